"""``manage.py deadline``: when is a deadline due, and why (W1-W3)."""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from portal.calendar.core import CalendarRangeError, Explanation
from portal.calendar.services import aware, get_calendar


def _hours(value: str) -> Decimal:
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number of hours: {value!r}") from None
    if not hours.is_finite() or hours < 0:
        raise argparse.ArgumentTypeError(f"not a number of hours: {value!r}")
    return hours


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError("a period of working days is at least 1 day")
    return days


class Command(BaseCommand):
    help = (
        "Print the due instant (ISO 8601) of a period of working hours or working days from "
        "--start, using the deployment's working calendar; --explain adds the reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start",
            help="ISO 8601 instant, e.g. 2026-02-13T16:00; without an offset it is local time "
            "(Asia/Ho_Chi_Minh). Default: now.",
        )
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--working-hours", type=_hours, metavar="HOURS")
        amount.add_argument("--working-days", type=_days, metavar="DAYS")
        parser.add_argument("--explain", action="store_true", help="Explain the result.")
        parser.add_argument(
            "--full", action="store_true", help="With --explain, list every lunch break and night."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(self._start(options["start"]), options)
        except (CalendarRangeError, OverflowError) as exc:
            raise CommandError(f"cannot compute this deadline: {exc}") from None

    def _run(self, start: datetime, options: dict[str, Any]) -> None:
        calendar = get_calendar()
        explanation: Explanation | None = None
        if options["working_hours"] is not None:
            hours = _hours(str(options["working_hours"]))
            due = calendar.add_working_hours(start, hours)
            if options["explain"]:
                explanation = calendar.explain_working_hours(start, hours)
        else:
            days = _days(str(options["working_days"]))
            due = calendar.add_working_days(start, days)
            if options["explain"]:
                explanation = calendar.explain_working_days(start, days)
        self.stdout.write(due.isoformat())
        if explanation is not None:
            self.stdout.write(explanation.text(full=options["full"]))

    @staticmethod
    def _start(value: str | datetime | None) -> datetime:
        if value is None:
            return timezone.now()
        if isinstance(value, datetime):
            return aware(value)
        try:
            return aware(datetime.fromisoformat(value.strip()))
        except ValueError:
            raise CommandError(
                f"--start: {value!r} is not an ISO 8601 date-time (e.g. 2026-02-13T16:00)"
            ) from None
