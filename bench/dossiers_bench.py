"""Benchmark of the intake queue and the public dossier lookup on a large table (issue 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dichvucong_bench \\
        .venv/bin/python bench/dossiers_bench.py [--count 2000000] [--requests 100]

Creates the PostgreSQL database when it is missing, migrates it, loads the demo data
(``seed_demo``) and tops the dossiers up to ``--count`` with ``seed_dossiers`` (COPY). Then it
requests the real pages through Django's test ``Client``, signed in as a one-stop officer of the
busiest agency: ``/mot-cua/`` (page 1, page 50, each filter), ``/tra-cuu/?ma=`` (a known and an
unknown code) and ``/api/v1/lookup/?ma=``; N requests each. Prints p50/p95 in milliseconds and the
queries per request, the plans (EXPLAIN ANALYZE) of the queue's and the lookup's queries, and
whether the targets are met: p95 < 150 ms and at most 10 queries per page.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pgdb import create_database_if_missing  # noqa: E402 - bench/ is the script folder

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.development")

TARGET_P95_MS = 150.0
TARGET_QUERIES = 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def prepare(count: int, batch: int) -> None:
    from django.core.management import call_command

    from dossiers.models import Dossier

    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_accounts=True)
    have = Dossier.objects.count()
    if have < count:
        print(f"{have:,} dossiers, loading {count - have:,} more")
        call_command("seed_dossiers", count=count - have, batch=batch)
    else:
        print(f"{have:,} dossiers already loaded")


def busiest_officer() -> tuple[Any, Any]:
    """A one-stop officer (``bench.motcua.<agency id>``, made once) of the agency with the most
    dossiers awaiting intake."""
    from django.db.models import Count

    from dossiers.models import Dossier
    from dossiers.states import State
    from portal.accounts.models import Membership, User
    from portal.accounts.roles import Role
    from portal.agencies.models import Agency

    top = (Dossier.objects.filter(state=State.SUBMITTED).values("receiving_agency")
           .annotate(n=Count("pk")).order_by("-n").first())
    if top is None:
        sys.exit("No dossier awaits intake: the seeding did not run.")
    agency = Agency.objects.get(pk=top["receiving_agency"])
    user = User.objects.filter(username=f"bench.motcua.{agency.pk}").first() or User(
        username=f"bench.motcua.{agency.pk}", full_name="Cán bộ một cửa (benchmark)",
        kind=User.Kind.OFFICER)
    user.set_unusable_password()  # signed in by force_login only: no password to expire
    user.save()
    Membership.objects.update_or_create(
        user=user, agency=agency, role=Role.INTAKE_OFFICER,
        defaults={"unit": "Bộ phận Một cửa", "is_active": True, "ended_at": None})
    return user, agency


def measure(client: Any, url: str, n: int, expect: int, *, vary_ip: bool = False,
            before: Any = None) -> tuple[list[float], list[int], list[str]]:
    """``n`` GETs of ``url`` (after one warm-up): durations in ms, queries, and the SQL of the
    last request. ``vary_ip`` gives each request its own client address, as many citizens
    looking up at once (the look-up is rate limited per address); ``before`` is called before
    each request, untimed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 404s
    client.get(url, REMOTE_ADDR="10.255.0.1")
    times: list[float] = []
    queries: list[int] = []
    sql: list[str] = []
    for i in range(n):
        extra = {"REMOTE_ADDR": f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"} if vary_ip \
            else {}
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, **extra)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != expect:
            sys.exit(f"GET {url}: HTTP {response.status_code}, expected {expect}")
        times.append(elapsed)
        queries.append(len(captured.captured_queries))
        sql = [q["sql"] for q in captured.captured_queries]
    return times, queries, sql


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to the benchmark database, e.g. "
                 "postgres://postgres@127.0.0.1:5432/dichvucong_bench (it is filled with "
                 f"{args.count:,} demo dossiers; never point it at real data).")
    create_database_if_missing(url)
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    from dossiers import selectors
    from dossiers.models import Dossier
    from dossiers.states import Channel, State

    prepare(args.count, args.batch)
    officer, agency = busiest_officer()
    in_queue = selectors.intake_queue(officer).count()
    total = Dossier.objects.count()
    procedure_id = (selectors.intake_queue(officer).values_list("procedure", flat=True)
                    .order_by("procedure").first())
    known = (Dossier.objects.filter(receiving_agency=agency, state=State.RETURNED)
             .order_by("-pk").values_list("code", flat=True).first())
    unknown = f"{agency.code}-991231-9999"

    officer_client = Client()
    officer_client.force_login(officer)
    public = Client()
    pages: list[tuple[str, Client, str, int, bool]] = [
        ("queue, page 1", officer_client, "/mot-cua/", 200, False),
    ]
    if in_queue > 49 * 50:
        pages.append(("queue, page 50", officer_client, "/mot-cua/?page=50", 200, False))
    for label, query in [
        ("queue, procedure filter", {"procedure": procedure_id}),
        ("queue, state = incomplete", {"state": State.INCOMPLETE}),
        ("queue, channel = DVCQG", {"channel": Channel.DVCQG}),
        ("queue, late", {"punctuality": "late"}),
        ("queue, due soon", {"punctuality": "due_soon"}),
        ("queue, on time", {"punctuality": "on_time"}),
    ]:
        pages.append((label, officer_client, f"/mot-cua/?{urlencode(query)}", 200, False))
    pages += [
        ("lookup page, known code", public, f"/tra-cuu/?{urlencode({'ma': known})}", 200, True),
        ("lookup page, unknown code", public, f"/tra-cuu/?{urlencode({'ma': unknown})}", 200,
         True),
        ("lookup API, known code", public, f"/api/v1/lookup/?{urlencode({'ma': known})}", 200,
         True),
        ("lookup API, unknown code", public, f"/api/v1/lookup/?{urlencode({'ma': unknown})}",
         404, True),
    ]

    print(f"database: {connection.vendor}; dossiers: {total:,}; agency {agency.code} "
          f"({agency.name}); its queue: {in_queue:,}; officer: {officer.username}; "
          f"requests per page: {args.requests}")
    print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  target")
    met = True
    last_sql: dict[str, list[str]] = {}
    for label, client, path, expect, vary in pages:
        times, queries, sql = measure(client, path, args.requests, expect, vary_ip=vary)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        ok = p95 < TARGET_P95_MS and max(queries) <= TARGET_QUERIES
        met = met and ok
        shown = str(min(queries)) if min(queries) == max(queries) else \
            f"{min(queries)}-{max(queries)}"
        print(f"{label:<28} {p50:>8.1f} {p95:>8.1f} {max(times):>8.1f} {shown:>8}  "
              f"{'ok' if ok else 'MISSED'}")
        last_sql[label] = sql

    if connection.vendor == "postgresql":
        table = Dossier._meta.db_table
        for label in ("queue, page 1", "queue, page 50", "lookup API, known code"):
            for sql in last_sql.get(label, []):
                if f'"{table}"' in sql:
                    print(f"\n-- {label}:\n{sql}\n{explain(sql)}")
    print(f"\ntargets (p95 < {TARGET_P95_MS:.0f} ms, ≤ {TARGET_QUERIES} queries): "
          f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
