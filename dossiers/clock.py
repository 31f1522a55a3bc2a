"""The legal clock of a dossier stops and runs again (D6, W4; LEGAL-NOTES §3).

While a dossier waits for the applicant (a supplement asked during processing, or a fee to pay)
the processing period does not run. When the applicant answers, the period runs again, by the
province's rule (``Province.supplement_clock_rule``):

* ``continue`` — Decree 61/2018 Art. 19, carried into Decree 118/2025: the working time the agency
  already spent counts; the period goes on with the working time that was left when it stopped.
* ``restart`` — the period starts again in full from the instant the applicant answered (some
  sectoral rules; kept as a setting because the carried-over rule is unconfirmed).

:func:`resumed_due` is the whole rule, pure and typed: the callers (``dossiers.processing``) apply
it to the dossier's due instant, to its new appointment and to the open step's due instant.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from portal.calendar.core import WorkingCalendar
from portal.calendar.services import get_calendar

ClockRule = Literal["continue", "restart"]
RULES: tuple[str, ...] = ("continue", "restart")


def resumed_due(rule: str, due_at: datetime, paused_since: datetime, resumed_at: datetime,
                *, period: timedelta | None = None,
                calendar: WorkingCalendar | None = None) -> datetime:
    """The due instant after a pause from ``paused_since`` to ``resumed_at``.

    ``continue``: the working time left at the pause (``due_at`` − ``paused_since`` in working
    time; negative when the period had already run out, so a late dossier stays exactly as late)
    is counted again from ``resumed_at``. ``restart``: the whole ``period`` (working time,
    required for this rule) counts again from ``resumed_at``. Nights, weekends, holidays and the
    lunch break never count; a pause that covers no working time leaves ``due_at`` as it was
    under ``continue``.
    """
    if rule not in RULES:
        raise ValueError(f"unknown clock rule {rule!r}")
    if resumed_at < paused_since:
        raise ValueError("the clock cannot resume before it stopped")
    calendar = calendar or get_calendar()
    if rule == "restart":
        if period is None:
            raise ValueError("the restart rule needs the full period")
        return calendar.add_working_hours(resumed_at, period)
    waited = calendar.elapsed_working(paused_since, resumed_at)
    if waited <= timedelta(0):
        return due_at
    left = calendar.elapsed_working(paused_since, due_at)
    if left <= timedelta(0):
        # already due (or late) when it stopped: shift by the working time waited
        return calendar.add_working_hours(due_at, waited)
    return calendar.add_working_hours(resumed_at, left)


def waited_seconds(paused_since: datetime, resumed_at: datetime,
                   calendar: WorkingCalendar | None = None) -> int:
    """Working seconds the clock stood still (counted in ``paused_seconds``)."""
    calendar = calendar or get_calendar()
    return max(0, int(calendar.elapsed_working(paused_since, resumed_at).total_seconds()))
