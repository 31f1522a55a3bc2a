"""A deliberately naive reference for the working calendar: steps minute by minute.

It reads the same raw data as :class:`portal.calendar.core.WorkingCalendar` (weekly hours,
explicit days, the provider) but shares none of its machinery, so the two can check each other.
Times are minute-aligned wall-clock times in the calendar's zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from portal.calendar.core import STANDARD_WEEKDAY, SwappedDay, WorkingCalendar

MINUTE = timedelta(minutes=1)


class NaiveCalendar:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.tz = calendar.tz
        self._days: dict[date, list[tuple[time, time]]] = {}

    def intervals(self, d: date) -> list[tuple[time, time]]:
        if d not in self._days:
            self._days[d] = self._classify(d)
        return self._days[d]

    def _classify(self, d: date) -> list[tuple[time, time]]:
        cal = self.calendar
        weekly = {k: sorted(v) for k, v in cal.weekly_hours.items()}
        provided_off: dict = {}
        provided_work: dict = {}
        if cal.provider is not None:
            provided_off, provided_work = cal.provider(d.year)
        if d in cal.days_off:
            return []
        swapped = cal.working_days.get(d)
        if swapped is None:
            if d in provided_off:
                return []
            swapped = provided_work.get(d)
        if swapped is not None:
            works_as = swapped.works_as if isinstance(swapped, SwappedDay) else None
            if works_as is None:
                works_as = STANDARD_WEEKDAY if weekly.get(STANDARD_WEEKDAY) else min(weekly)
            return weekly.get(works_as, [])
        return weekly.get(d.weekday(), [])

    def _working(self, t: datetime) -> bool:
        return any(a <= t.time() < b for a, b in self.intervals(t.date()))

    def _local(self, dt: datetime) -> datetime:
        return dt.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, t: datetime) -> datetime:
        return t.replace(tzinfo=self.tz)

    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        """``minutes`` > 0 working minutes after ``start``."""
        t = self._local(start)
        while minutes > 0:
            if self._working(t):
                minutes -= 1
            t += MINUTE
        return self._aware(t)

    def add_days(self, start: datetime, n: int) -> datetime:
        d = self._local(start).date()
        while n > 0:
            d += timedelta(days=1)
            if self.intervals(d):
                n -= 1
        return self._aware(datetime.combine(d, self.intervals(d)[-1][1]))

    def elapsed_minutes(self, start: datetime, end: datetime) -> int:
        a, b = self._local(start), self._local(end)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = 0
        while a < b:
            count += self._working(a)
            a += MINUTE
        return sign * count
