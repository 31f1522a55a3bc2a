"""Benchmark of the working calendar: 1,000,000 mixed computations (add working hours, add
working days, elapsed working time) on the default Vietnamese calendar, and the minute-stepping
reference on a sample of the same operations, with the speed ratio.

    python bench/calendar_bench.py [--ops N] [--sample N] [--seed N]

Needs neither Django settings nor a database.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal.calendar.core import VN_TZ, WorkingCalendar  # noqa: E402
from portal.calendar.defaults import default_calendar  # noqa: E402
from tests.calendar.naive import NaiveCalendar  # noqa: E402

Op = tuple[str, datetime, object]


def make_ops(n: int, rng: random.Random, *, minute_aligned: bool = False) -> list[Op]:
    """``n`` operations: 40 % add hours, 30 % add days, 30 % elapsed, starts in 2025-2028."""
    lo = datetime(2025, 1, 1, tzinfo=VN_TZ).timestamp()
    hi = datetime(2028, 12, 31, tzinfo=VN_TZ).timestamp()
    pool_size = min(n, 50_000)
    starts = []
    for _ in range(pool_size):
        ts = rng.uniform(lo, hi)
        ts -= ts % 60 if minute_aligned else ts % 1
        starts.append(datetime.fromtimestamp(ts, VN_TZ))
    ops: list[Op] = []
    for k in range(n):
        start = starts[k % pool_size]
        r = rng.random()
        if r < 0.4:
            ops.append(("hours", start, rng.randint(1, 80)))
        elif r < 0.7:
            ops.append(("days", start, rng.randint(1, 30)))
        else:
            minutes = rng.randint(-20 * 24 * 60, 20 * 24 * 60)
            ops.append(("elapsed", start, start + timedelta(minutes=minutes)))
    return ops


def run_fast(cal: WorkingCalendar, ops: list[Op]) -> list[object]:
    add_hours, add_days, elapsed = cal.add_working_hours, cal.add_working_days, cal.elapsed_working
    out: list[object] = []
    append = out.append
    for kind, start, arg in ops:
        if kind == "hours":
            append(add_hours(start, arg))  # type: ignore[arg-type]
        elif kind == "days":
            append(add_days(start, arg))  # type: ignore[arg-type]
        else:
            append(elapsed(start, arg))  # type: ignore[arg-type]
    return out


def run_naive(ref: NaiveCalendar, ops: list[Op]) -> list[object]:
    out: list[object] = []
    for kind, start, arg in ops:
        if kind == "hours":
            out.append(ref.add_minutes(start, arg * 60))  # type: ignore[operator]
        elif kind == "days":
            out.append(ref.add_days(start, arg))  # type: ignore[arg-type]
        else:
            out.append(timedelta(minutes=ref.elapsed_minutes(start, arg)))  # type: ignore[arg-type]
    return out


def timed(fn: Callable[[], list[object]]) -> tuple[float, list[object]]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20260213)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    cal = default_calendar()
    t0 = time.perf_counter()
    cal.add_working_days(datetime(2025, 1, 1, tzinfo=VN_TZ), 1200)  # builds 2025-2029
    print(f"day table for 2025-2029 built in {(time.perf_counter() - t0) * 1e3:.1f} ms")

    ops = make_ops(args.ops, rng)
    print(f"{len(ops):,} mixed operations (40 % add hours, 30 % add days, 30 % elapsed)")
    total, _ = timed(lambda: run_fast(cal, ops))
    print(f"  fast, all      : {total:7.3f} s  {total / len(ops) * 1e6:6.2f} µs/op")
    per_kind_fast: dict[str, float] = {}
    for kind in ("hours", "days", "elapsed"):
        subset = [op for op in ops if op[0] == kind]
        secs, _ = timed(lambda subset=subset: run_fast(cal, subset))
        per_kind_fast[kind] = secs / len(subset)
        print(f"  fast, {kind:<9}: {secs:7.3f} s  {per_kind_fast[kind] * 1e6:6.2f} µs/op "
              f"({len(subset):,} ops)")

    sample = make_ops(args.sample, rng, minute_aligned=True)
    ref = NaiveCalendar(cal)
    run_naive(ref, sample[:20])  # warm the reference's day cache
    naive_secs, naive_out = timed(lambda: run_naive(ref, sample))
    fast_secs, fast_out = timed(lambda: run_fast(cal, sample))
    mismatches = sum(a != b for a, b in zip(fast_out, naive_out, strict=True))
    print(f"minute-stepping reference on a sample of {len(sample):,} operations "
          f"({mismatches} mismatches):")
    naive_per_op = naive_secs / len(sample)
    print(f"  naive, all     : {naive_secs:7.3f} s  {naive_per_op * 1e6:9.1f} µs/op")
    for kind in ("hours", "days", "elapsed"):
        subset = [op for op in sample if op[0] == kind]
        secs, _ = timed(lambda subset=subset: run_naive(ref, subset))
        ratio = (secs / len(subset)) / per_kind_fast[kind]
        print(f"  naive, {kind:<8}: {secs / len(subset) * 1e6:9.1f} µs/op  "
              f"-> fast is {ratio:,.0f}x faster")
    ratio = naive_per_op / (total / len(ops))
    print(f"speed ratio on the mix: {ratio:,.0f}x (fast on the same sample: "
          f"{fast_secs / len(sample) * 1e6:.2f} µs/op)")
    ok = mismatches == 0 and ratio >= 100 and (total < 10 or len(ops) < 1_000_000)
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
