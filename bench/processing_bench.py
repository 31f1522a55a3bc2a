"""Benchmark of the processing queue (issue 5) on a large table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dichvucong_bench \\
        .venv/bin/python bench/processing_bench.py [--count 2000000] [--requests 100]

Prepares the database like ``bench/dossiers_bench.py`` (migrate, ``seed_demo``, ``seed_dossiers``
up to ``--count`` dossiers; the seeding gives the open dossiers their steps, held by seeded
processing officers). Then requests ``/xu-ly/`` through Django's test ``Client`` as the seeded
processing officer holding the most open steps of the busiest agency, and as a leader of that
agency (who sees every open step of it): page 1, a far page and each filter, N requests each,
each request after a change to a step of the agency ("counted": the counters are counted
again, as after a colleague's action), and the first two pages reloaded without a change
("reloaded": counters from the cache). ``--churn N`` first updates N random open steps, so
that part of the table changed since the last vacuum. Run it with ``REDIS_URL`` set for the
production cache. Prints p50/p95 in milliseconds and queries per request, the plans
(EXPLAIN ANALYZE) of the queue's queries, and whether the targets are met: p95 < 150 ms and at
most 10 queries.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pgdb import (
    Page,
    bench_member,
    prepare,
    print_plans,
    print_targets,
    require_database_url,
    start,
    time_pages,
)


def people() -> tuple[Any, Any, Any]:
    """The busiest agency (most open steps), its seeded processing officer holding the most
    open steps, and a leader of it (``bench.lanhdao.<agency id>``, made once)."""
    from django.db.models import Count

    from dossiers.models import DossierStep
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.agencies.models import Agency

    top = (DossierStep.objects.filter(finished_at__isnull=True).values("agency")
           .annotate(n=Count("pk")).order_by("-n").first())
    if top is None:
        sys.exit("No open step: the seeding did not run.")
    agency = Agency.objects.get(pk=top["agency"])
    busiest = (DossierStep.objects.filter(finished_at__isnull=True, agency=agency)
               .exclude(assignee=None).values("assignee").annotate(n=Count("pk"))
               .order_by("-n").first())
    if busiest is None:
        sys.exit("No assigned open step: the seeding did not run.")
    officer = User.objects.get(pk=busiest["assignee"])
    leader = bench_member(f"bench.lanhdao.{agency.pk}", "Lãnh đạo (benchmark)", agency,
                          Role.AGENCY_LEADER)
    return agency, officer, leader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--churn", type=int, default=0,
        help="first update this many random open steps (as a day of transitions would), so "
             "that part of the table changed since the last vacuum; measures the queue between "
             "two autovacuum runs")
    args = parser.parse_args()

    start(require_database_url("dichvucong_bench",
                               f"it is filled with {args.count:,} demo dossiers"))
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    from dossiers import queue_versions, selectors
    from dossiers.models import Dossier, DossierStep

    prepare(args.count, args.batch)
    agency, officer, leader = people()
    if args.churn and connection.vendor == "postgresql":
        table = DossierStep._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET note = note WHERE id IN (SELECT id FROM {table} "
                "WHERE finished_at IS NULL ORDER BY random() LIMIT %s)", [args.churn])
        print(f"{args.churn:,} open steps updated since the last vacuum")
    total = Dossier.objects.count()
    open_steps = DossierStep.objects.filter(finished_at__isnull=True).count()
    officer_rows = selectors.processing_queue(officer).count()
    leader_rows = selectors.processing_queue(leader).count()
    procedure_id = (DossierStep.objects.filter(finished_at__isnull=True, agency=agency)
                    .values_list("procedure", flat=True).first())

    as_officer, as_leader = Client(), Client()
    as_officer.force_login(officer)
    as_leader.force_login(leader)
    pages = [Page("officer: queue, page 1", as_officer, "/xu-ly/")]
    if officer_rows > 10 * 50:
        pages.append(Page("officer: queue, page 10", as_officer, "/xu-ly/?page=10"))
    for label, query in [("mine", {"scope": "mine"}), ("late", {"punctuality": "late"}),
                         ("clock stopped", {"state": "waiting"}),
                         ("procedure", {"procedure": procedure_id})]:
        pages.append(Page(f"officer: {label}", as_officer, f"/xu-ly/?{urlencode(query)}"))
    pages.append(Page("leader: queue, page 1", as_leader, "/xu-ly/"))
    if leader_rows > 50 * 50:
        pages.append(Page("leader: queue, page 50", as_leader, "/xu-ly/?page=50"))
    for label, query in [("unassigned", {"scope": "unassigned"}),
                         ("due soon", {"punctuality": "due_soon"}),
                         ("clock stopped", {"state": "waiting"})]:
        pages.append(Page(f"leader: {label}", as_leader, f"/xu-ly/?{urlencode(query)}"))

    print(f"database: {connection.vendor}; dossiers: {total:,}; open steps: {open_steps:,}; "
          f"agency {agency.code} ({agency.name}); officer {officer.username} sees "
          f"{officer_rows:,} steps, leader {leader.username} sees {leader_rows:,}; "
          f"requests per page: {args.requests}")

    def changed() -> None:
        """A colleague acted on a step of the agency: the cached counters are stale."""
        queue_versions.bump(agency.pk)

    runs = [Page(f"{p.label} (counted)", p.client, p.url, before=changed) for p in pages]
    runs += [Page(f"{p.label} (reloaded)", p.client, p.url) for p in pages[:2]]
    met, last_sql = time_pages(runs, args.requests, 40)
    if connection.vendor == "postgresql":
        print_plans(last_sql, ("officer: queue, page 1 (counted)",
                               "leader: queue, page 1 (counted)",
                               "leader: queue, page 50 (counted)"),
                    f'FROM "{DossierStep._meta.db_table}"')
    print_targets(met)


if __name__ == "__main__":
    main()
