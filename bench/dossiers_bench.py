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


def busiest_officer() -> tuple[Any, Any]:
    """A one-stop officer (``bench.motcua.<agency id>``) of the agency most awaiting intake."""
    from django.db.models import Count

    from dossiers.models import Dossier
    from dossiers.states import State
    from portal.accounts.roles import Role
    from portal.agencies.models import Agency

    top = (Dossier.objects.filter(state=State.SUBMITTED).values("receiving_agency")
           .annotate(n=Count("pk")).order_by("-n").first())
    if top is None:
        sys.exit("No dossier awaits intake: the seeding did not run.")
    agency = Agency.objects.get(pk=top["receiving_agency"])
    user = bench_member(f"bench.motcua.{agency.pk}", "Cán bộ một cửa (benchmark)", agency,
                        Role.INTAKE_OFFICER, unit="Bộ phận Một cửa")
    return user, agency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    start(require_database_url("dichvucong_bench",
                               f"it is filled with {args.count:,} demo dossiers"))
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
    pages = [Page("queue, page 1", officer_client, "/mot-cua/")]
    if in_queue > 49 * 50:
        pages.append(Page("queue, page 50", officer_client, "/mot-cua/?page=50"))
    for label, query in [
        ("queue, procedure filter", {"procedure": procedure_id}),
        ("queue, state = incomplete", {"state": State.INCOMPLETE}),
        ("queue, channel = DVCQG", {"channel": Channel.DVCQG}),
        ("queue, late", {"punctuality": "late"}),
        ("queue, due soon", {"punctuality": "due_soon"}),
        ("queue, on time", {"punctuality": "on_time"}),
    ]:
        pages.append(Page(label, officer_client, f"/mot-cua/?{urlencode(query)}"))
    pages += [
        Page("lookup page, known code", public, f"/tra-cuu/?{urlencode({'ma': known})}",
             vary_ip=True),
        Page("lookup page, unknown code", public, f"/tra-cuu/?{urlencode({'ma': unknown})}",
             vary_ip=True),
        Page("lookup API, known code", public, f"/api/v1/lookup/?{urlencode({'ma': known})}",
             vary_ip=True),
        Page("lookup API, unknown code", public, f"/api/v1/lookup/?{urlencode({'ma': unknown})}",
             404, vary_ip=True),
    ]

    print(f"database: {connection.vendor}; dossiers: {total:,}; agency {agency.code} "
          f"({agency.name}); its queue: {in_queue:,}; officer: {officer.username}; "
          f"requests per page: {args.requests}")
    met, last_sql = time_pages(pages, args.requests, 28)
    if connection.vendor == "postgresql":
        print_plans(last_sql, ("queue, page 1", "queue, page 50", "lookup API, known code"),
                    f'"{Dossier._meta.db_table}"')
    print_targets(met)


if __name__ == "__main__":
    main()
