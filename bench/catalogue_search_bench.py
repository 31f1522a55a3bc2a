"""Benchmark of the public catalogue search: 2,000 published procedures, N mixed searches through
the selector the page uses (accented, unaccented, by code, with filters), timed as the page runs
them (the count and the first page of 25 rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dichvucong_bench \\
        .venv/bin/python bench/catalogue_search_bench.py [--searches N] [--procedures N]

Creates the PostgreSQL database when it is missing, migrates it, and seeds the procedures once
(idempotent by national code, in the 8.xxxxxx range, marked as sample data). Prints the median
and 95th percentile in milliseconds, the queries per search and the plan of one search.
Target: median < 100 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from decimal import Decimal

from pgdb import migrate, percentile, require_database_url, start

VERBS = ["Cấp", "Cấp lại", "Cấp đổi", "Đăng ký", "Đăng ký lại", "Điều chỉnh", "Gia hạn",
         "Thu hồi", "Xác nhận", "Chứng thực", "Đính chính", "Thay đổi nội dung", "Công nhận",
         "Thẩm định", "Phê duyệt", "Giải quyết"]
OBJECTS = [
    ("giấy khai sinh", "Hộ tịch"), ("việc kết hôn", "Hộ tịch"), ("giám hộ", "Hộ tịch"),
    ("giấy phép xây dựng", "Hoạt động xây dựng"), ("giấy phép sửa chữa nhà ở", "Nhà ở"),
    ("giấy chứng nhận quyền sử dụng đất", "Đất đai"), ("hợp đồng chuyển nhượng đất", "Đất đai"),
    ("hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh"),
    ("giấy phép lái xe", "Đường bộ"), ("đăng ký xe máy chuyên dùng", "Đường bộ"),
    ("trợ cấp xã hội hằng tháng", "Bảo trợ xã hội"), ("hộ nghèo, hộ cận nghèo", "Giảm nghèo"),
    ("hoạt động trường mầm non tư thục", "Giáo dục và Đào tạo"),
    ("chứng chỉ hành nghề dược", "Dược phẩm"), ("giấy phép khai thác nước mặt", "Tài nguyên nước"),
    ("bản sao từ bản chính", "Chứng thực"), ("phiếu lý lịch tư pháp", "Lý lịch tư pháp"),
    ("giấy phép kinh doanh rượu", "Lưu thông hàng hóa trong nước"),
    ("chế độ người có công", "Người có công"), ("giấy phép biểu diễn nghệ thuật", "Văn hóa"),
]
SUFFIXES = ["", " cho cá nhân", " cho tổ chức", " trong trường hợp bị mất, hư hỏng",
            " có yếu tố nước ngoài", " do thay đổi địa chỉ", " tại cấp tỉnh", " tại cấp xã",
            " theo thủ tục rút gọn"]
LEVELS = [("province", "Cấp tỉnh", 0), ("department", "Sở, ban, ngành", 1),
          ("commune", "Cấp xã", 2)]
CODE_PREFIX = "8."


def seed(total: int) -> None:
    """``total`` published sample procedures across fields, levels and agencies (idempotent)."""
    from django.db import transaction
    from django.utils import timezone

    from portal.agencies.models import Agency, AgencyLevel
    from procedures.models import Field, OnlineLevel, Procedure, TimeUnit

    levels = [AgencyLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
              for code, name, rank in LEVELS]
    agencies = [
        Agency.objects.get_or_create(
            code=f"B00.00.{i:02d}.H99",
            defaults={"name": f"Cơ quan thử nghiệm số {i}", "level": levels[i % len(levels)]},
        )[0]
        for i in range(1, 31)
    ]
    field_names = sorted({f for _, f in OBJECTS})
    fields = {name: Field.objects.get_or_create(name=name, defaults={"code": f"BENCH-{i:02d}"})[0]
              for i, name in enumerate(field_names)}
    existing = set(Procedure.objects.filter(national_code__startswith=CODE_PREFIX)
                   .values_list("national_code", flat=True))
    rng = random.Random(20260306)
    now = timezone.now()
    online = [OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE]
    new = []
    for i in range(total):
        verb = VERBS[i % len(VERBS)]
        obj, field_name = OBJECTS[(i // len(VERBS)) % len(OBJECTS)]
        suffix = SUFFIXES[(i // (len(VERBS) * len(OBJECTS))) % len(SUFFIXES)]
        code = f"{CODE_PREFIX}{i:06d}"
        if code in existing:
            continue
        unit = TimeUnit.WORKING_HOURS if i % 7 == 0 else TimeUnit.WORKING_DAYS
        procedure = Procedure(
            national_code=code, name=f"{verb} {obj}{suffix}", field=fields[field_name],
            level=levels[i % len(levels)], owner_agency=agencies[i % len(agencies)],
            online_level=online[i % 3], processing_time=Decimal(rng.choice([1, 3, 5, 8, 15, 20])),
            processing_unit=unit, status=Procedure.Status.PUBLISHED, status_since=now,
            is_sample=True,
        )
        procedure.search_text = procedure.build_search_text()
        new.append(procedure)
    with transaction.atomic():
        Procedure.objects.bulk_create(new, batch_size=500)
        created = {p.national_code: p.pk for p in Procedure.objects.filter(
            national_code__in=[p.national_code for p in new])}
        through = Procedure.receiving_agencies.through
        through.objects.bulk_create([
            through(procedure_id=pk, agency_id=agencies[(int(code[2:]) + 7) % len(agencies)].pk)
            for code, pk in created.items()
        ], batch_size=1000)
    print(f"seeded {len(new)} procedures ({len(existing)} already there)")


def make_searches(n: int, rng: random.Random) -> list[dict[str, str]]:
    """Mixed searches as visitors type them."""
    from portal.agencies.models import Agency
    from portal.text import fold
    from procedures.models import Field

    field_codes = list(Field.objects.filter(code__startswith="BENCH-")
                       .values_list("code", flat=True))
    agency_codes = list(Agency.objects.filter(code__startswith="B00.00.")
                        .values_list("code", flat=True))
    searches: list[dict[str, str]] = []
    for k in range(n):
        verb = rng.choice(VERBS)
        obj = rng.choice(OBJECTS)[0]
        kind = k % 6
        if kind == 0:
            searches.append({"q": f"{verb} {obj}"})
        elif kind == 1:
            searches.append({"q": fold(f"{verb} {obj}")})
        elif kind == 2:
            searches.append({"q": f"{CODE_PREFIX}{rng.randrange(2000):06d}"})
        elif kind == 3:
            searches.append({"q": fold(obj).split()[-1], "field": rng.choice(field_codes)})
        elif kind == 4:
            searches.append({"q": fold(verb), "level": rng.choice(["province", "commune"]),
                             "online_level": rng.choice(["full", "partial", "none"])})
        else:
            searches.append({"q": rng.choice(["giay phep", "đăng ký", "cap lai"]),
                             "agency": rng.choice(agency_codes)})
    return searches


def to_filters(params: dict[str, str]):  # -> CatalogueFilters
    from portal.agencies.models import Agency, AgencyLevel
    from procedures.models import Field
    from procedures.selectors import CatalogueFilters

    return CatalogueFilters(
        q=params.get("q", ""),
        field=Field.objects.get(code=params["field"]) if "field" in params else None,
        level=AgencyLevel.objects.get(code=params["level"]) if "level" in params else None,
        agency=Agency.objects.get(code=params["agency"]) if "agency" in params else None,
        online_level=params.get("online_level", ""),
    )


def run(searches: list[dict[str, str]]) -> tuple[list[float], list[int]]:
    """Each search as the page runs it: the count and the first page of rows."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from procedures.selectors import PAGE_SIZE, search_procedures

    prepared = [to_filters(p) for p in searches]
    times: list[float] = []
    queries: list[int] = []
    for filters in prepared:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            page = Paginator(search_procedures(filters), PAGE_SIZE).get_page(1)
            rows = [(p.national_code, p.name, p.field.name, p.level.name if p.level else "")
                    for p in page.object_list]
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(ctx.captured_queries))
        assert rows is not None
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start(require_database_url("dichvucong_bench",
                               f"it is seeded with {args.procedures} sample procedures"))
    from django.db import connection

    from procedures.models import Procedure
    from procedures.selectors import CatalogueFilters, search_procedures

    migrate()
    seed(args.procedures)
    public = Procedure.objects.published().count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE procedures_procedure")

    rng = random.Random(args.seed)
    searches = make_searches(args.searches, rng)
    run(searches[:20])  # warm-up: connection, caches, plans
    times, queries = run(searches)
    p95 = percentile(times, 0.95)
    print(f"database: {connection.vendor}; public procedures: {public}; "
          f"searches: {len(times)}")
    print(f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, "
          f"max {max(times):.2f} ms")
    print(f"queries per search: min {min(queries)}, max {max(queries)}")
    example = search_procedures(CatalogueFilters(q="dang ky giay khai sinh"))[:25]
    print("plan of the rows query for q='dang ky giay khai sinh':")
    options = {"analyze": True} if connection.vendor == "postgresql" else {}
    print(example.explain(**options))


if __name__ == "__main__":
    main()
