"""Benchmark of the feedback staff queue on 200,000 feedback items (issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_feedback_bench \\
        .venv/bin/python bench/feedback_bench.py [--count 200000] [--requests 100]

Creates the PostgreSQL database when it is missing, migrates it, loads the demo data
(``seed_demo``) and tops the feedback items up to ``--count`` (bulk inserts: 3 years of items over
the demo agencies, most answered, about one in ten still open, a part of those late). Then it
requests the real queue page ``/phan-anh/xu-ly/`` through Django's test ``Client``, as the
province operator (sees every item) and as a one-stop officer of the busiest agency: page 1,
page 50, late only, all states, and a search. Prints p50/p95 in milliseconds and the queries per
request, the plan of the queue's main query, and whether the targets are met: p95 < 150 ms and at
most 10 queries per page.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import timedelta
from typing import Any

from pgdb import (
    Page,
    bench_member,
    explain,
    migrate,
    print_targets,
    require_database_url,
    seed_demo,
    start,
    time_pages,
)

WORDS = ["chậm trả kết quả", "thái độ cán bộ", "hồ sơ khai sinh", "cấp giấy phép xây dựng",
         "đăng ký kinh doanh", "chứng thực bản sao", "thu phí không đúng", "hướng dẫn chưa rõ",
         "mất giấy tờ", "đất đai", "bảo hiểm y tế", "hộ khẩu", "kết hôn", "lệ phí"]


def seed_feedback(count: int, batch: int = 5000) -> None:
    """Bulk-insert feedback items until there are ``count``."""
    from django.db import transaction
    from django.utils import timezone

    from feedback.models import Category, Channel, Feedback, State
    from portal.agencies.models import Agency, Province
    from portal.calendar.services import get_calendar
    from portal.text import fold

    have = Feedback.objects.count()
    if have >= count:
        print(f"{have:,} feedback items already loaded")
        return
    print(f"{have:,} feedback items, loading {count - have:,} more")
    rng = random.Random(766 + have)
    agencies = list(Agency.objects.active().filter(parent__isnull=False).values_list("pk",
                                                                                     flat=True))
    weights = [3 if i % 3 == 0 else 1 for i in range(len(agencies))]
    calendar = get_calendar()
    days = Province.current().feedback_deadline_working_days
    now = timezone.now()
    span = int(timedelta(days=3 * 365).total_seconds())
    done = have
    while done < count:
        rows = []
        for i in range(done, min(count, done + batch)):
            received = now - timedelta(seconds=rng.randrange(span))
            due = calendar.add_working_days(received, days)
            roll = rng.random()
            agency = rng.choices(agencies, weights)[0]
            title = f"Phản ánh {rng.choice(WORDS)} số {i}"
            content = f"Nội dung phản ánh về {rng.choice(WORDS)} và {rng.choice(WORDS)}."
            if roll < 0.04 or received > now - timedelta(days=20):
                # open: some still to triage, most at an agency (late when past due)
                state = State.RECEIVED if roll < 0.01 else State.ASSIGNED
            elif roll < 0.09:
                state = State.REJECTED
            else:
                state = rng.choice([State.PUBLISHED, State.PUBLISHED, State.CLOSED,
                                    State.ANSWERED])
            row = Feedback(code=f"PA-B-{i:08d}", channel=rng.choice(Channel.values),
                           sender_name="Người gửi", sender_phone="0900000000", title=title,
                           content=content, received_at=received, entered_at=received,
                           due_at=due, intake_agency_id=agency, search_text="", state=state)
            if state != State.RECEIVED:
                row.category = rng.choice([c for c in Category.values if c != "out_of_scope"])
            if state not in (State.RECEIVED, State.REJECTED):
                row.agency_id = agency
            if state in (State.PUBLISHED, State.CLOSED, State.ANSWERED):
                answered = received + timedelta(days=rng.randint(1, 25))
                row.answer = "Cơ quan đã xem xét và trả lời như sau."
                row.answered_at = row.first_answered_at = answered
                if state == State.PUBLISHED:
                    row.published_at = answered
            row.search_text = fold(f"{title} {content} {row.answer}")
            rows.append(row)
        with transaction.atomic():
            Feedback.objects.bulk_create(rows, batch_size=batch)
        done += len(rows)
        print(f"  {done:,}")


def prepare(count: int) -> None:
    """Migrate, load the demo data once, the feedback items up to ``count``, then vacuum."""
    from django.db import connection

    migrate()
    seed_demo(once=True)
    seed_feedback(count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load
            cursor.execute("VACUUM ANALYZE feedback_feedback")


def officer_of_busiest_agency() -> tuple[Any, Any]:
    """A one-stop officer (``bench.phananh.<agency id>``) of the agency with most open items."""
    from django.db.models import Count

    from feedback.models import OPEN_STATES, Feedback
    from portal.accounts.roles import Role
    from portal.agencies.models import Agency

    top = (Feedback.objects.filter(state__in=OPEN_STATES, agency__isnull=False)
           .values("agency").annotate(n=Count("pk")).order_by("-n").first())
    if top is None:
        sys.exit("No open feedback: the seeding did not run.")
    agency = Agency.objects.get(pk=top["agency"])
    user = bench_member(f"bench.phananh.{agency.pk}", "Cán bộ một cửa (benchmark)", agency,
                        Role.INTAKE_OFFICER, unit="Bộ phận Một cửa")
    return user, agency


def operator() -> Any:
    """The province operator of the demo data, active and without a password."""
    from portal.accounts.models import Membership, User
    from portal.accounts.roles import Role

    user = User.objects.filter(memberships__role=Role.OPERATOR).first()
    if user is None:
        sys.exit("No operator: seed_demo did not run.")
    user.set_unusable_password()
    user.save()
    Membership.objects.filter(user=user).update(is_active=True, ended_at=None)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    start(require_database_url("h_feedback_bench"))
    from django.db import connection
    from django.test import Client

    from feedback.models import Feedback

    prepare(args.count)
    officer, agency = officer_of_busiest_agency()
    province_user = operator()
    clients = {}
    for name, user in (("operator", province_user), ("officer", officer)):
        clients[name] = Client()
        clients[name].force_login(user)
    pages = [
        ("operator: page 1", "operator", "/phan-anh/xu-ly/"),
        ("operator: page 50", "operator", "/phan-anh/xu-ly/?page=50"),
        ("operator: late only", "operator", "/phan-anh/xu-ly/?late=on"),
        ("operator: all states", "operator", "/phan-anh/xu-ly/?state=all"),
        ("operator: all, page 200", "operator", "/phan-anh/xu-ly/?state=all&page=200"),
        ("operator: search", "operator", "/phan-anh/xu-ly/?state=all&q=thai+do+can+bo"),
        ("officer: page 1", "officer", "/phan-anh/xu-ly/"),
        ("officer: late only", "officer", "/phan-anh/xu-ly/?late=on"),
        ("officer: all states", "officer", "/phan-anh/xu-ly/?state=all"),
        ("public: answers", "public", "/phan-anh/cong-khai/"),
        ("public: search", "public", "/phan-anh/cong-khai/?q=khai+sinh"),
    ]
    clients["public"] = Client()
    print(f"database: {connection.vendor}; feedback items: {Feedback.objects.count():,}; "
          f"officer's agency: {agency.name}; requests per page: {args.requests}")
    met, plans = time_pages([Page(label, clients[who], path) for label, who, path in pages],
                            args.requests, 26)
    if connection.vendor == "postgresql":
        for label in ("operator: page 1", "officer: page 1", "operator: search"):
            for sql in plans.get(label, []):
                if '"feedback_feedback"' in sql and "LIMIT" in sql:
                    print(f"\n-- {label}:\n{explain(sql, buffers=False)}")
    print_targets(met)


if __name__ == "__main__":
    main()
