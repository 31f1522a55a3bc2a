"""Celery tasks of the 766 index: the monthly run (beat, 1st of each month) and a recomputation
on demand for a past period. Both are idempotent: a period's rows are replaced."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import index766


@shared_task(name="reports.compute_index")
def compute_index(kind: str, start: str) -> dict[str, object]:
    """Compute one period (``kind`` month / quarter / year, ``start`` ISO date inside it)."""
    period = index766.compute_period(kind, date.fromisoformat(start))
    return {"period": period.pk, "kind": period.kind, "start": period.start.isoformat(),
            "duration_ms": period.duration_ms}


@shared_task(name="reports.compute_last_periods")
def compute_last_periods() -> list[dict[str, object]]:
    """Monthly: the month just ended, and the quarter and year when they just ended."""
    today = timezone.localdate()
    return [compute_index(kind, start.isoformat())
            for kind, start in index766.last_periods(today)]
