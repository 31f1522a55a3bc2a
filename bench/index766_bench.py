"""Benchmark of the monthly 766 computation for the whole province (issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_feedback_bench \\
        .venv/bin/python bench/index766_bench.py [--count 2000000] [--feedback 200000]

Works on a copy of the dossier benchmark database (``CREATE DATABASE h_feedback_bench TEMPLATE
dichvucong_bench``) or seeds its own: migrates, loads the demo data, tops the dossiers up to
``--count`` with ``seed_dossiers`` and the feedback items up to ``--feedback``. Then it runs
``reports.index766.compute_period`` for the last full month (twice: the second run is the
idempotent recomputation), times each indicator's query, and prints whether the target is met:
the monthly computation < 30 s.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from feedback_bench import seed_feedback
from pgdb import migrate, require_database_url, seed_demo, start, top_up_dossiers

TARGET_SECONDS = 30.0


def fill_processing_dates() -> None:
    """``seed_dossiers`` predates ``settled_at`` / ``synced_at``: on a bench database where no
    dossier has them, give the finished dossiers a settlement time (mostly before the due time,
    one in eight after it, one in twenty with an apology) and mark four in five as synced, so
    that every dossier indicator has its real work to do."""
    from django.db import connection

    from dossiers.models import Dossier

    if Dossier.objects.filter(settled_at__isnull=False).exists():
        return
    print("filling settled_at / synced_at of the finished dossiers")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_dossier SET "
            "settled_at = CASE WHEN id % 8 = 0 THEN processing_due_at + interval '1 day' "
            "ELSE processing_due_at - interval '1 day' END, "
            "returned_at = CASE WHEN state = 'returned' THEN COALESCE(closed_at, "
            "processing_due_at) END, "
            "apologised_at = CASE WHEN id % 20 = 0 THEN processing_due_at - interval '2 day' "
            "END, "
            "synced_at = CASE WHEN id % 5 <> 0 THEN received_at + interval '1 hour' END "
            "WHERE state IN ('returned', 'settled') AND processing_due_at IS NOT NULL")
        cursor.execute("VACUUM ANALYZE dossiers_dossier" if connection.vendor == "postgresql"
                       else "SELECT 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2_000_000)
    parser.add_argument("--feedback", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--month", help="a day in the month to compute (default: last month)")
    args = parser.parse_args()
    start(require_database_url("h_feedback_bench"))
    from django.db import connection
    from django.utils import timezone

    from dossiers.models import Dossier
    from reports import index766
    from reports.models import IndexScore, IndicatorValue

    migrate()
    seed_demo(once=True)
    top_up_dossiers(args.count, args.batch)
    seed_feedback(args.feedback)
    fill_processing_dates()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    today = timezone.localdate()
    month = date.fromisoformat(args.month) if args.month else index766.last_periods(today)[0][1]
    first, end = index766.period_bounds("month", month)
    print(f"database: {connection.vendor}; dossiers: {Dossier.objects.count():,}; "
          f"month {first:%m/%Y}; agencies ranked: {index766.ranked_agencies().count()}")
    print(f"{'indicator':<10} {'seconds':>8} {'agencies':>9} {'numerator':>10} "
          f"{'denominator':>12}")
    for indicator in index766.INDICATORS:
        if not indicator.available:
            continue
        started = time.perf_counter()
        counts = index766._counts(indicator.code, first, end)
        elapsed = time.perf_counter() - started
        print(f"{indicator.code:<10} {elapsed:>8.2f} {len(counts):>9} "
              f"{sum(n for n, _d in counts.values()):>10,} "
              f"{sum(d for _n, d in counts.values()):>12,}")
    runs = []
    for label in ("compute", "recompute"):
        started = time.perf_counter()
        period = index766.compute_period("month", first)
        runs.append(time.perf_counter() - started)
        print(f"{label}: {runs[-1]:.2f} s ({period.duration_ms} ms inside), "
              f"{IndicatorValue.objects.filter(period=period).count()} indicator values, "
              f"{IndexScore.objects.filter(period=period).count()} scores")
    print("\nranking:")
    for score in (IndexScore.objects.filter(period=period).select_related("agency", "level")
                  .order_by("level__rank", "rank")):
        print(f"  {score.level.name:<16} {score.rank:>2}. {score.agency.name:<50} "
              f"{score.total:>6}")
    worst = max(runs)
    print(f"\ntarget (monthly computation < {TARGET_SECONDS:.0f} s): "
          f"{'met' if worst < TARGET_SECONDS else 'NOT met'} ({worst:.2f} s)")


if __name__ == "__main__":
    main()
