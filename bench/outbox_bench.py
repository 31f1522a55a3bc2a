"""Benchmark of the DVCQG outbox (issue 6, I1): delivery throughput against the stand-in portal,
and the plan of the per-dossier ordering query the worker runs on each pass.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_sync_bench \\
        .venv/bin/python bench/outbox_bench.py [--events 5000] [--dossiers 500] [--backlog 200000]

Creates the PostgreSQL database when it is missing and migrates it, loads a small catalogue, then
creates ``--dossiers`` dossiers with ``--events`` outbox rows spread over them and delivers them
with ``portal.dvcqg.outbox.deliver`` to an in-process stand-in portal (HTTP on 127.0.0.1), once per
concurrency level. Prints events/s, then tops the acknowledged history up to ``--backlog`` rows and
prints ``EXPLAIN ANALYZE`` of the worker's "ready rows" query (the head-of-line check per dossier).

``--writes N`` measures the writing side first: N dossiers go through submit, accept (which moves
them to processing) and a step action; for each transition it prints the queries and the time of
the outbox write (the ``dvcqg`` hook, inside the transition's transaction) and of the whole
transition (medians). ``--writes-only`` stops there.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from typing import Any

from pgdb import migrate, require_database_url, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--backlog", type=int, default=200_000)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--writes", type=int, default=0,
                        help="dossiers taken through transitions to measure the outbox write")
    parser.add_argument("--writes-only", action="store_true")
    args = parser.parse_args()
    start(require_database_url("h_sync_bench", "it is filled with outbox rows"))
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    migrate()
    from dossiers import services
    from dossiers.models import Dossier
    from portal.accounts.models import User
    from portal.agencies.models import Agency, AgencyLevel
    from portal.dvcqg import outbox
    from portal.dvcqg.models import CallLog, OutboxEvent, Service
    from portal.dvcqg.standin import StandIn
    from procedures.models import Field, Procedure
    from procedures.services import publish

    level, _ = AgencyLevel.objects.get_or_create(code="bench", defaults={"name": "Bench",
                                                                         "rank": 9})
    agency, _ = Agency.objects.get_or_create(code="000.99.99.H56",
                                             defaults={"name": "Bench agency", "level": level})
    field, _ = Field.objects.get_or_create(code="BENCH", defaults={"name": "Bench field"})
    procedure = Procedure.objects.filter(national_code="9.999999").first()
    if procedure is None:
        procedure = Procedure.objects.create(national_code="9.999999", name="Bench procedure",
                                             field=field, owner_agency=agency)
        procedure.receiving_agencies.add(agency)
        publish(procedure)
    citizen, _ = User.objects.get_or_create(username="bench-citizen",
                                            defaults={"full_name": "Bench"})

    if args.writes:
        bench_writes(args.writes, procedure, agency, citizen)
        if args.writes_only:
            return

    standin = StandIn().start()
    settings.DVCQG_BASE_URL = standin.url
    settings.DVCQG_USERNAME, settings.DVCQG_PASSWORD = standin.username, standin.password
    settings.DVCQG_BACKOFF_SECONDS = 0.0

    def make_rows(run: int) -> None:
        first = services.start_draft(procedure, applicant=citizen, receiving_agency=agency)
        copies = []
        for d in range(args.dossiers):
            copy = Dossier.objects.get(pk=first.pk)
            copy.pk = None
            copy.code = f"000.99.99.H56-26{run:02d}01-{d:05d}"
            copies.append(copy)
        Dossier.objects.filter(pk=first.pk).delete()
        dossiers = Dossier.objects.bulk_create(copies, batch_size=1000)
        now = timezone.now()
        per = max(1, args.events // args.dossiers)
        rows = []
        for dossier in dossiers:
            for n in range(1, per + 1):
                rows.append(OutboxEvent(
                    dossier_id=dossier.pk, dossier_code=dossier.code or "", sequence=n,
                    service=Service.SYNC_DOSSIER, national_status=n % 10 + 1,
                    created_at=now, next_attempt_at=now, payload={
                        "MaHoSo": dossier.code, "MaTTHC": "9.999999", "TenTTHC": "Bench",
                        "ChuHoSo": "Bench", "NgayTiepNhan": "20260309090000",
                        "TrangThaiHoSo": n % 10 + 1, "DonViXuLy": agency.code,
                        "HinhThuc": 0, "TaiLieuNop": [], "DanhSachLePhi": [],
                        "DanhSachHoSoBoSung": [], "DanhSachGiayToKetQua": []}))
        OutboxEvent.objects.bulk_create(rows, batch_size=2000)

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{args.events} events over {args.dossiers} dossiers, stand-in at {standin.url}")
    for run, level in enumerate(int(c) for c in args.concurrency.split(",")):
        OutboxEvent.objects.filter(dossier__code__startswith="000.99.99.H56").delete()
        Dossier.objects.filter(code__startswith="000.99.99.H56").delete()
        make_rows(run + 1)
        before = len(standin.events)
        started = time.perf_counter()
        report = outbox.deliver(budget_seconds=600, concurrency=level)
        elapsed = time.perf_counter() - started
        sent = len(standin.events) - before
        print(f"concurrency {level}: {report.sent} acknowledged ({sent} received) in "
              f"{elapsed:.1f} s → {report.sent / elapsed:.0f} events/s")

    # The ordering query's plan with a large acknowledged history and some rows waiting.
    have = OutboxEvent.objects.count()
    if have < args.backlog:
        dossier_ids = list(Dossier.objects.values_list("pk", flat=True)[:args.dossiers])
        now = timezone.now()
        batch, seq = [], 1000
        for i in range(args.backlog - have):
            seq += 1
            batch.append(OutboxEvent(
                key=uuid.uuid4(), dossier_id=dossier_ids[i % len(dossier_ids)],
                dossier_code="bench", sequence=seq + i, service=Service.SYNC_DOSSIER,
                national_status=2, payload={}, created_at=now, next_attempt_at=now,
                status=OutboxEvent.Status.ACKNOWLEDGED, acknowledged_at=now))
            if len(batch) == 5000:
                OutboxEvent.objects.bulk_create(batch)
                batch = []
        OutboxEvent.objects.bulk_create(batch)
    make_rows(99)  # rows waiting: every dossier has a head and rows queued behind it
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dvcqg_outboxevent")
    sql, params = outbox.ready(timezone.now())[:200].query.sql_with_params()
    waiting = OutboxEvent.objects.exclude(status=OutboxEvent.Status.ACKNOWLEDGED).count()
    print(f"\nrows in the outbox: {OutboxEvent.objects.count()} ({waiting} waiting), call log: "
          f"{CallLog.objects.count()}")
    print("EXPLAIN ANALYZE of the worker's ready-rows query (head of line per dossier):")
    with connection.cursor() as cursor:
        prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + sql, params)
        for row in cursor.fetchall():
            print("  ", " | ".join(str(c) for c in row))
    standin.close()


def bench_writes(count: int, procedure: Any, agency: Any, citizen: Any) -> None:
    """Queries and time of the outbox write (the ``dvcqg`` hook) and of the whole transition,
    per transition, over ``count`` dossiers (medians; the first dossier warms the caches)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from dossiers import hooks, services
    from dossiers.states import Actor
    from portal.accounts.models import Membership, User
    from portal.accounts.roles import Role

    clerk, _ = User.objects.get_or_create(username="bench-clerk",
                                          defaults={"full_name": "Bench clerk",
                                                    "kind": User.Kind.OFFICER})
    Membership.objects.update_or_create(user=clerk, agency=agency, role=Role.INTAKE_OFFICER,
                                        defaults={"is_active": True, "ended_at": None})
    real = hooks._handlers["dvcqg"]
    Sample = tuple[int, float, float]  # queries, ms, ms in the database (as the driver saw it)
    hook: dict[str, list[Sample]] = {}
    whole: dict[str, list[Sample]] = {}

    def sample(captured: Any, started: float) -> Sample:
        elapsed = (time.perf_counter() - started) * 1000
        in_db = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        return len(captured), elapsed, in_db

    def measured(event: Any) -> None:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            real(event)
        hook.setdefault(event.transition, []).append(sample(captured, started))

    def run(label: str, action: Any) -> None:
        reset_queries()  # the log keeps 9,000 queries: counting needs room
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
        whole.setdefault(label, []).append(sample(captured, started))

    hooks._handlers["dvcqg"] = measured
    try:
        for _n in range(count + 1):
            dossier = services.start_draft(procedure, applicant=citizen, receiving_agency=agency)
            run("submit", lambda d=dossier: services.submit(d, by=citizen))
            run("accept + start_processing", lambda d=dossier: services.accept(d, by=clerk))
            run("assign_step", lambda d=dossier: services._run(d, "assign_step",
                                                               actor=Actor.SYSTEM))
            if _n == 0:  # warm-up
                hook.clear()
                whole.clear()
    finally:
        hooks._handlers["dvcqg"] = real

    def median(values: list[Sample]) -> str:
        queries = statistics.median(q for q, _, _ in values)
        ms = statistics.median(t for _, t, _ in values)
        in_db = statistics.median(d for _, _, d in values)
        return f"{queries:3g} queries  {ms:6.2f} ms  (SQL {in_db:5.2f} ms)"

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {count} dossiers")
    print("outbox write (dvcqg hook), per event:")
    for name, values in hook.items():
        print(f"  {name:<28} {median(values)}")
    print("whole transition (all hooks, documents, messages):")
    for name, values in whole.items():
        print(f"  {name:<28} {median(values)}")


if __name__ == "__main__":
    main()
