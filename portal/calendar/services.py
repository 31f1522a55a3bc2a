"""The working calendar of the deployment: database rows over the default Vietnamese calendar.

Every deadline in the project comes from :func:`get_calendar` (W1). The calendar is built once per
process and rebuilt when its data change: writers call :func:`calendar_changed`, which bumps a
version token kept in Django's cache, so every process sees the change on its next call.

A year file (see ``docs/calendar.md``) is loaded with :func:`load_year`; it replaces that year's
imported days and is idempotent.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time as clock
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .core import (
    DEFAULT_WEEKLY_HOURS,
    VN_TZ,
    Interval,
    SwappedDay,
    WorkingCalendar,
    YearDays,
)
from .defaults import vietnam_year
from .models import CalendarDay, CalendarYear, WeeklyWorkingPeriod

__all__ = [
    "CalendarFileError",
    "LoadReport",
    "YearFile",
    "aware",
    "calendar_changed",
    "duration_text",
    "get_calendar",
    "load_defaults",
    "load_year",
    "parse_year_file",
    "remaining_text",
    "remove_day",
    "set_day",
    "set_weekly_hours",
]

VERSION_KEY = "workcalendar:version"
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: With a per-process cache (local memory: embedded mode) other processes cannot see a version
#: bump, so a calendar is also rebuilt after this many seconds.
LOCAL_CACHE_TTL = 60.0

_lock = threading.Lock()
_cached: tuple[str, float, WorkingCalendar] | None = None


# -- the cached calendar ---------------------------------------------------------------------


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return str(version)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def calendar_changed() -> None:
    """Invalidate the calendar in every process: now, and again once the transaction commits
    (so that no process keeps a calendar built from rows read before the commit)."""
    global _cached
    with _lock:
        _cached = None
    _bump()
    transaction.on_commit(_bump)


def get_calendar() -> WorkingCalendar:
    """The deployment's :class:`WorkingCalendar` (W1): office hours from
    :class:`WeeklyWorkingPeriod` (the defaults when there is none), days from
    :class:`CalendarDay` over the ``holidays`` package's days; a year recorded in
    :class:`CalendarYear` uses its rows only. Cached in-process until the data change."""
    global _cached
    version = _version()
    cached = _cached
    if cached is not None and cached[0] == version and (
        _shared_cache() or clock.monotonic() - cached[1] < LOCAL_CACHE_TTL
    ):
        return cached[2]
    calendar = _build()
    with _lock:
        _cached = (version, clock.monotonic(), calendar)
    return calendar


def _shared_cache() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def _build() -> WorkingCalendar:
    weekly: dict[int, list[Interval]] = {}
    for period in WeeklyWorkingPeriod.objects.order_by("weekday", "start"):
        weekly.setdefault(period.weekday, []).append((period.start, period.end))
    days_off: dict[date, str] = {}
    working: dict[date, SwappedDay] = {}
    for day in CalendarDay.objects.all():
        if day.kind == CalendarDay.Kind.DAY_OFF:
            days_off[day.date] = day.name
        else:
            working[day.date] = SwappedDay(day.name, day.works_as_weekday)
    loaded = frozenset(CalendarYear.objects.values_list("year", flat=True))

    def provider(year: int) -> YearDays:
        return ({}, {}) if year in loaded else vietnam_year(year)

    return WorkingCalendar(
        tz=VN_TZ,
        weekly_hours=weekly or DEFAULT_WEEKLY_HOURS,
        days_off=days_off,
        working_days=working,
        provider=provider,
    )


def aware(dt: datetime) -> datetime:
    """``dt`` unchanged when aware, otherwise read as local time (Asia/Ho_Chi_Minh)."""
    if timezone.is_aware(dt):
        return dt
    return timezone.make_aware(dt, VN_TZ)


# -- single edits ----------------------------------------------------------------------------


def set_day(
    day: date,
    kind: str,
    name: str,
    *,
    works_as: int | None = None,
    source: str = CalendarDay.Source.ADMIN,
) -> CalendarDay:
    """Record a day off or a swapped working day for ``day``, replacing what was there."""
    if kind not in CalendarDay.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    if kind == CalendarDay.Kind.DAY_OFF:
        works_as = None
    row, _ = CalendarDay.objects.update_or_create(
        date=day,
        defaults={"kind": kind, "name": name, "works_as_weekday": works_as, "source": source},
    )
    calendar_changed()
    return row


def remove_day(day: date) -> bool:
    """Forget the recorded exception for ``day``; the default calendar applies again."""
    deleted, _ = CalendarDay.objects.filter(date=day).delete()
    calendar_changed()
    return bool(deleted)


def set_weekly_hours(hours: Mapping[int, Sequence[Interval]]) -> bool:
    """Replace the office hours (weekday 0 = Monday -> intervals); ``True`` when they changed.
    They are validated by :class:`WorkingCalendar` first."""
    WorkingCalendar(weekly_hours=hours)
    wanted = sorted((d, a, b) for d, intervals in hours.items() for a, b in intervals)
    current = sorted(WeeklyWorkingPeriod.objects.values_list("weekday", "start", "end"))
    if wanted == current:
        return False
    with transaction.atomic():
        WeeklyWorkingPeriod.objects.all().delete()
        WeeklyWorkingPeriod.objects.bulk_create(
            WeeklyWorkingPeriod(weekday=d, start=a, end=b) for d, a, b in wanted
        )
    calendar_changed()
    return True


# -- year files ------------------------------------------------------------------------------


class CalendarFileError(ValueError):
    """A year file that cannot be loaded; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class YearFile:
    """A validated year file."""

    year: int
    days_off: dict[date, str]
    working_days: dict[date, SwappedDay]
    working_hours: dict[int, tuple[Interval, ...]] | None = None
    note: str = ""

    def checksum(self) -> str:
        canonical = {
            "year": self.year,
            "days_off": sorted((d.isoformat(), n) for d, n in self.days_off.items()),
            "working_days": sorted(
                (d.isoformat(), s.name, s.works_as) for d, s in self.working_days.items()
            ),
            "working_hours": None if self.working_hours is None else sorted(
                (w, a.isoformat(), b.isoformat())
                for w, intervals in self.working_hours.items() for a, b in intervals
            ),
            "note": self.note,
        }
        return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


@dataclass
class LoadReport:
    """What :func:`load_year` did."""

    year: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    hours_changed: bool = False
    #: The year was not loaded before: from now on its days replace the default calendar's.
    year_created: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.hours_changed
                    or self.year_created)

    def __str__(self) -> str:
        if not self.changed:
            return f"{self.year}: unchanged"
        extra = ", working hours replaced" if self.hours_changed else ""
        if self.year_created:
            extra += ", the year now replaces the default calendar"
        return (f"{self.year}: {self.created} added, {self.updated} changed, "
                f"{self.deleted} removed{extra}")


def _time(value: Any, where: str, errors: list[str]) -> time | None:
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    errors.append(f"{where}: {value!r} is not a time (HH:MM)")
    return None


def _date(value: Any, where: str, year: int | None, errors: list[str]) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if year is not None and day.year != year:
                errors.append(f"{where}: {value} is not in {year}")
                return None
            return day
    errors.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
    return None


def _weekday(value: Any, where: str, errors: list[str]) -> int | None:
    if isinstance(value, str) and value.lower() in WEEKDAY_KEYS:
        return WEEKDAY_KEYS.index(value.lower())
    errors.append(f"{where}: {value!r} is not a weekday ({', '.join(WEEKDAY_KEYS)})")
    return None


def _unknown(obj: Mapping[str, Any], allowed: Iterable[str], where: str,
             errors: list[str]) -> None:
    extra = sorted(set(obj) - set(allowed))
    if extra:
        errors.append(f"{where}: unknown key(s) {', '.join(map(repr, extra))}")


def _entries(data: Mapping[str, Any], key: str, errors: list[str]) -> list[tuple[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list):
        errors.append(f"{key}: must be a list")
        return []
    out = []
    for n, entry in enumerate(value):
        where = f"{key}[{n}]"
        if isinstance(entry, dict):
            out.append((where, entry))
        else:
            errors.append(f"{where}: must be an object")
    return out


def _name(entry: Mapping[str, Any], where: str, errors: list[str]) -> str:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"{where}.name: a non-empty name is required")
        return ""
    if len(name.strip()) > 200:
        errors.append(f"{where}.name: at most 200 characters")
    return name.strip()


def parse_year_file(data: Any) -> YearFile:
    """Validate a decoded year file (format in ``docs/calendar.md``); raises
    :class:`CalendarFileError` listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise CalendarFileError(["the file must hold a JSON object"])
    _unknown(data, ("year", "working_hours", "days_off", "working_days", "note"), "file", errors)
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        errors.append(f"year: {year!r} is not a year (1900-2200)")
        year = None
    note = data.get("note", "")
    if not isinstance(note, str):
        errors.append("note: must be a string")
        note = ""

    hours: dict[int, tuple[Interval, ...]] | None = None
    raw_hours = data.get("working_hours")
    if raw_hours is not None:
        hours = {}
        if not isinstance(raw_hours, dict):
            errors.append("working_hours: must be an object keyed by mon … sun")
            raw_hours = {}
        for key, intervals in raw_hours.items():
            weekday = _weekday(key, f"working_hours.{key}", errors)
            where = f"working_hours.{key}"
            if not isinstance(intervals, list):
                errors.append(f"{where}: must be a list of [start, end] pairs")
                continue
            parsed: list[Interval] = []
            for n, pair in enumerate(intervals):
                if not (isinstance(pair, list) and len(pair) == 2):
                    errors.append(f"{where}[{n}]: must be a [start, end] pair")
                    continue
                a = _time(pair[0], f"{where}[{n}][0]", errors)
                b = _time(pair[1], f"{where}[{n}][1]", errors)
                if a is not None and b is not None:
                    parsed.append((a, b))
            if weekday is not None:
                try:
                    WorkingCalendar(weekly_hours={weekday: parsed})
                except ValueError:
                    errors.append(f"{where}: intervals must each end after they start and "
                                  "must not overlap")
                else:
                    hours[weekday] = tuple(sorted(parsed))
        if not any(hours.values()) and not errors:
            errors.append("working_hours: at least one working interval is required")

    days_off: dict[date, str] = {}
    working: dict[date, SwappedDay] = {}
    seen: set[date] = set()
    for key in ("days_off", "working_days"):
        for where, entry in _entries(data, key, errors):
            allowed = ("date", "name") if key == "days_off" else ("date", "name", "works_as")
            _unknown(entry, allowed, where, errors)
            day = _date(entry.get("date"), f"{where}.date", year, errors)
            name = _name(entry, where, errors)
            works_as = None
            if key == "working_days" and entry.get("works_as") is not None:
                works_as = _weekday(entry["works_as"], f"{where}.works_as", errors)
            if day is None:
                continue
            if day in seen:
                errors.append(f"{where}.date: {day.isoformat()} is listed twice")
                continue
            seen.add(day)
            if key == "days_off":
                days_off[day] = name
            else:
                working[day] = SwappedDay(name, works_as)
    if errors or year is None:
        raise CalendarFileError(errors)
    return YearFile(year, days_off, working, hours, note.strip())


def _apply(parsed: YearFile, *, loaded_from: str, source: str) -> LoadReport:
    report = LoadReport(parsed.year)
    replaceable = {CalendarDay.Source.IMPORT, CalendarDay.Source.DEFAULT}
    wanted: dict[date, tuple[str, str, int | None]] = {
        d: (CalendarDay.Kind.DAY_OFF, n, None) for d, n in parsed.days_off.items()
    }
    wanted.update(
        (d, (CalendarDay.Kind.WORKING_DAY, s.name, s.works_as))
        for d, s in parsed.working_days.items()
    )
    with transaction.atomic():
        existing = {row.date: row for row in
                    CalendarDay.objects.select_for_update().filter(date__year=parsed.year)}
        for day, old in existing.items():
            if day not in wanted and old.source in replaceable:
                old.delete()
                report.deleted += 1
        for day, (kind, name, works_as) in sorted(wanted.items()):
            row = existing.get(day)
            values = {"kind": kind, "name": name, "works_as_weekday": works_as, "source": source}
            if row is None:
                CalendarDay.objects.create(date=day, **values)
                report.created += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.save()
                report.updated += 1
        if parsed.working_hours is not None:
            report.hours_changed = set_weekly_hours(parsed.working_hours)
        checksum = parsed.checksum()
        year_row, report.year_created = CalendarYear.objects.get_or_create(year=parsed.year)
        if report.changed or year_row.checksum != checksum:
            year_row.loaded_from = loaded_from[:255]
            year_row.checksum = checksum
            year_row.loaded_at = timezone.now()
            year_row.note = parsed.note or year_row.note
            year_row.save()
        if report.changed:
            _audit(report, loaded_from)
    calendar_changed()
    return report


def _audit(report: LoadReport, loaded_from: str) -> None:
    from portal.audit.services import Action, record

    record(
        Action.IMPORT,
        object_type="workcalendar.calendaryear",
        object_id=str(report.year),
        object_repr=f"{report.year}",
        message=f"{report} ({loaded_from})",
        changes={"created": report.created, "updated": report.updated,
                 "deleted": report.deleted, "hours_changed": report.hours_changed,
                 "year_created": report.year_created},
    )


def load_year(data: Any, *, loaded_from: str = "") -> LoadReport:
    """Load a decoded year file: its days replace the days imported for that year before (days
    entered by an operator on other dates stay), its optional ``working_hours`` replace the
    office hours. Loading the same file again changes nothing."""
    return _apply(parse_year_file(data), loaded_from=loaded_from,
                  source=CalendarDay.Source.IMPORT)


def load_defaults(year: int) -> LoadReport:
    """Copy ``year`` from the ``holidays`` package into the database (source "default"), so an
    operator can review and edit it in the admin."""
    days_off, working = vietnam_year(year)
    swapped = {d: s if isinstance(s, SwappedDay) else SwappedDay(s) for d, s in working.items()}
    parsed = YearFile(year, dict(days_off), swapped)
    return _apply(parsed, loaded_from="holidays package", source=CalendarDay.Source.DEFAULT)


def duration_text(delta: timedelta) -> str:
    """A working duration as people read it: "3 giờ 20 phút", "3 giờ", "20 phút"."""
    minutes = int(delta.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}


def remaining_text(due: datetime | None, now: datetime,
                   calendar: WorkingCalendar | None = None) -> str:
    """"còn 3 giờ 20 phút làm việc" before ``due``, "quá hạn 2 giờ" after it; both measured in
    working time by the calendar (lunch breaks, nights, weekends and holidays do not count).
    A list page passes the ``calendar`` it asked for once (each :func:`get_calendar` call
    reads the calendar's version from the shared cache)."""
    if due is None:
        return ""
    calendar = calendar or get_calendar()
    if due >= now:
        return _("%(time)s of working time left") % {
            "time": duration_text(calendar.elapsed_working(now, due))}
    late = calendar.elapsed_working(due, now)
    if late < timedelta(minutes=1):
        return _("overdue")
    return _("overdue by %(time)s") % {"time": duration_text(late)}
