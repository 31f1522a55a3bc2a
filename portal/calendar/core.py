"""Legal working time: the calendar behind every deadline (W1-W3). Pure Python, no Django.

A :class:`WorkingCalendar` knows the official working hours of each weekday, the days off (public
holidays, compensatory days, extra days off decided by the government) and the swapped working
days (a Saturday worked in exchange for a day off). It adds working hours and working days to an
instant, measures the working time between two instants and explains each result in Vietnamese.

Internally every day of a lazily extended range of dates gets a table row: its working intervals
in local seconds since midnight and the cumulative working seconds (and working days) before it.
An operation is a bisection over those prefix sums, O(log n); nothing steps minute by minute.
Resolution is one second; a fractional second counts from the next whole second.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise
from math import isfinite
from types import MappingProxyType
from typing import ClassVar, Final, Literal, TypeAlias
from zoneinfo import ZoneInfo

__all__ = [
    "DAYS_RULE",
    "DEFAULT_WEEKLY_HOURS",
    "HOURS_RULE",
    "MAX_YEAR",
    "MIN_YEAR",
    "STANDARD_WEEKDAY",
    "VI_WEEKDAYS",
    "VN_TZ",
    "CalendarRangeError",
    "DayInfo",
    "DayProvider",
    "Explanation",
    "Hours",
    "Interval",
    "SkippedStretch",
    "SwappedDay",
    "WorkingCalendar",
    "YearDays",
    "format_instant",
]

VN_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")

Interval: TypeAlias = tuple[time, time]
#: An amount of working time: hours as a number, or a timedelta.
Hours: TypeAlias = int | float | Decimal | timedelta

_MORNING: Final = (time(7, 30), time(11, 30))
_AFTERNOON: Final = (time(13, 30), time(17, 30))
#: Monday to Friday, 07:30-11:30 and 13:30-17:30 (Labour Code 2019 Art. 105, 40-hour week of
#: public servants; the province sets the office hours: change them as data).
DEFAULT_WEEKLY_HOURS: Final[Mapping[int, tuple[Interval, ...]]] = MappingProxyType(
    dict.fromkeys(range(5), (_MORNING, _AFTERNOON))
)
#: The weekday whose hours a swapped working day uses unless told otherwise.
STANDARD_WEEKDAY: Final = 0

HOURS_RULE: Final = (
    "Thời hạn tính bằng giờ làm việc, kể từ thời điểm đã xác định (Bộ luật Dân sự 2015 Điều 147 "
    "khoản 1); hồ sơ nộp ngoài giờ làm việc thì tính từ giờ làm việc kế tiếp (Nghị định "
    "45/2020/NĐ-CP Điều 11; Quyết định 15/2022/QĐ-UBND tỉnh Thanh Hóa Điều 11 khoản 1 điểm a, "
    "sửa đổi bởi Quyết định 17/2024/QĐ-UBND); không tính thời gian ngoài giờ làm việc, ngày nghỉ "
    "hằng tuần, ngày nghỉ lễ, Tết."
)
DAYS_RULE: Final = (
    "Thời hạn tính bằng ngày làm việc: không tính ngày bắt đầu, thời hạn bắt đầu từ ngày tiếp "
    "theo (Bộ luật Dân sự 2015 Điều 147 khoản 2) và kết thúc khi hết giờ làm việc của ngày làm "
    "việc cuối cùng của thời hạn (Bộ luật Dân sự 2015 Điều 148); không tính ngày nghỉ hằng tuần, "
    "ngày nghỉ lễ, Tết."
)

VI_WEEKDAYS: Final = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

_DAY: Final = 86_400
#: Years a calendar covers by default: its table grows to any year reached, so bounds keep a
#: stray date (year 9999 typed in a form) from building millennia of rows.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2200
#: After this many consecutive years without working time a search gives up.
_EMPTY_YEARS_LIMIT: Final = 10


class CalendarRangeError(ValueError):
    """A date or deadline outside the years the calendar covers (``min_year`` .. ``max_year``)."""


@dataclass(frozen=True)
class SwappedDay:
    """A working day on a day that is normally off (a Saturday worked in exchange for a day
    off). It keeps the hours of ``works_as`` (0 = Monday), or of the standard weekday."""

    name: str
    works_as: int | None = None


#: One year of data from a provider: ``(days off, swapped working days)``.
YearDays: TypeAlias = tuple[Mapping[date, str], Mapping[date, "SwappedDay | str"]]
#: Gives the days off and swapped working days of a year; called lazily, once per year.
DayProvider: TypeAlias = Callable[[int], YearDays]

_Spans: TypeAlias = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date."""

    date: date
    intervals: tuple[Interval, ...]
    day_off: str | None = None
    working_day: str | None = None

    @property
    def is_working(self) -> bool:
        return bool(self.intervals)


StretchKind = Literal["lunch", "night", "weekend", "holiday"]


@dataclass(frozen=True)
class SkippedStretch:
    """A stretch of non-working time a deadline skipped. ``first_day``/``last_day`` are the
    whole days off inside it (weekends, holidays), ``names`` the named days off among them."""

    kind: StretchKind
    start: datetime
    end: datetime
    label: str
    names: tuple[str, ...] = ()
    first_day: date | None = None
    last_day: date | None = None

    def text(self) -> str:
        """One Vietnamese line, e.g. ``Nghỉ Tết Nguyên đán: 14/02/2026 – 22/02/2026``."""
        if self.first_day is not None and self.last_day is not None:
            days = _dmy(self.first_day)
            if self.last_day != self.first_day:
                days = f"{days} – {_dmy(self.last_day)}"
            return f"{self.label}: {days}"
        if self.start.date() == self.end.date():
            return f"{self.label} {_hm(self.start)}–{_hm(self.end)} ngày {_dmy(self.start)}"
        return (
            f"{self.label}: {_hm(self.start)} ngày {_dmy(self.start)} – "
            f"{_hm(self.end)} ngày {_dmy(self.end)}"
        )


@dataclass(frozen=True)
class Explanation:
    """Why a deadline falls where it does (W3): the start, the rule and its legal basis, the
    non-working time skipped and the due instant."""

    unit: Literal["hours", "days"]
    start: datetime
    amount_text: str
    rule: str
    effective_start: datetime
    skipped: tuple[SkippedStretch, ...]
    due: datetime

    #: Above this many lunch breaks and nights, :meth:`text` summarises them in one line.
    DETAIL_LIMIT: ClassVar[int] = 6

    def lines(self, *, full: bool = False) -> list[str]:
        """The explanation as Vietnamese lines; ``full`` lists every lunch break and night."""
        out = [
            f"Thời điểm bắt đầu: {format_instant(self.start)}",
            f"Thời hạn: {self.amount_text}",
            f"Căn cứ: {self.rule}",
        ]
        if self.unit == "hours":
            if self.effective_start != self.start:
                out.append(
                    f"Bắt đầu tính từ: {format_instant(self.effective_start)} "
                    "(ngoài giờ làm việc, tính từ giờ làm việc kế tiếp)"
                )
        else:
            first = self.effective_start
            weekday = VI_WEEKDAYS[first.weekday()]
            out.append(f"Ngày đầu tiên của thời hạn: {_dmy(first)} ({weekday})")
        ordinary = [s for s in self.skipped if s.kind in ("lunch", "night")]
        summarise = not full and len(ordinary) > self.DETAIL_LIMIT
        shown = [s for s in self.skipped if not summarise or s.kind not in ("lunch", "night")]
        if self.skipped:
            out.append("Không tính thời gian không làm việc:")
            out.extend(f"- {s.text()}" for s in shown)
            if summarise:
                lunches = sum(1 for s in ordinary if s.kind == "lunch")
                nights = len(ordinary) - lunches
                out.append(
                    f"- Nghỉ trưa ({lunches} lần) và ngoài giờ làm việc ({nights} lần) "
                    "giữa các ngày làm việc"
                )
        out.append(f"Hạn: {format_instant(self.due)}")
        return out

    def text(self, *, full: bool = False) -> str:
        """The explanation as Vietnamese text, one fact per line."""
        return "\n".join(self.lines(full=full))


def format_instant(dt: datetime) -> str:
    """``16:00 ngày 13/02/2026 (thứ Sáu)``."""
    return f"{_hm(dt)} ngày {_dmy(dt)} ({VI_WEEKDAYS[dt.weekday()]})"


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _hm(dt: datetime) -> str:
    return f"{dt:%H:%M:%S}" if dt.second else f"{dt:%H:%M}"


def _amount_text(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} giờ"] if hours or not rest else []
    if minutes:
        parts.append(f"{minutes} phút")
    if secs:
        parts.append(f"{secs} giây")
    return " ".join(parts) + " làm việc"


def _to_seconds(amount: Hours) -> int:
    """An amount of working time in whole seconds (rounded half to even)."""
    if isinstance(amount, bool):
        raise TypeError("an amount of working time must be a number of hours or a timedelta")
    if isinstance(amount, int):
        return amount * 3600
    if isinstance(amount, timedelta):
        return (amount // timedelta(microseconds=1) + 500_000) // 1_000_000
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError(f"not a finite amount of hours: {amount}")
        return int((amount * 3600).to_integral_value(ROUND_HALF_EVEN))
    if isinstance(amount, float):
        if not isfinite(amount):
            raise ValueError(f"not a finite amount of hours: {amount}")
        return round(amount * 3600)
    raise TypeError("an amount of working time must be a number of hours or a timedelta")


def _seconds_of(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _intervals(spans: _Spans) -> tuple[Interval, ...]:
    def clock(s: int) -> time:
        return time(s // 3600, s // 60 % 60, s % 60)

    return tuple((clock(a), clock(b)) for a, b in spans)


def _spans(intervals: Sequence[Interval], where: str) -> _Spans:
    out = sorted((_seconds_of(a), _seconds_of(b)) for a, b in intervals)
    for a, b in out:
        if a >= b:
            raise ValueError(f"{where}: a working interval must end after it starts")
    for (_, end), (start, _) in pairwise(out):
        if start < end:
            raise ValueError(f"{where}: working intervals overlap")
    return tuple(out)


_TRAILING_PARENS = re.compile(r"(\s*\([^()]*\))+$")


def _holiday_label(names: Sequence[str]) -> str:
    """``Nghỉ <names>`` for a stretch of days off. Names that differ only by a trailing remark
    in brackets (``Tết Nguyên đán (mùng 2)``, ``... (nghỉ bù)``) are shown once, by their stem."""
    stems: dict[str, list[str]] = {}
    for name in names:
        variants = stems.setdefault(_TRAILING_PARENS.sub("", name).strip() or name, [])
        if name not in variants:
            variants.append(name)
    label = ", ".join(v[0] if len(v) == 1 else stem for stem, v in stems.items())
    if label.casefold().startswith(("nghỉ", "ngày nghỉ")):
        return label
    return f"Nghỉ {label}"


class _Table:
    """One immutable snapshot of the day table, days ``first`` .. ``first + n - 1``.

    ``cum[i]`` (``wdc[i]``) is the working seconds (working days) before day ``i`` on an absolute
    scale: extending the table never changes the values of days already in it.
    """

    __slots__ = ("cum", "first", "n", "off_names", "spans", "wdc", "work_names", "year_hi",
                 "year_lo")

    def __init__(self, year_lo: int, year_hi: int, spans: list[_Spans], cum: list[int],
                 wdc: list[int], off_names: dict[int, str], work_names: dict[int, str]) -> None:
        self.year_lo = year_lo
        self.year_hi = year_hi
        self.first = date(year_lo, 1, 1).toordinal()
        self.n = len(spans)
        self.spans = spans
        self.cum = cum
        self.wdc = wdc
        self.off_names = off_names
        self.work_names = work_names


class _State:
    __slots__ = ("lock", "provided", "table")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.table: _Table | None = None
        self.provided: dict[int, tuple[dict[date, str], dict[date, SwappedDay]]] = {}


def _worked_before(t: _Table, i: int, s: int) -> int:
    """Working seconds on the table's absolute scale at second ``s`` of day ``i``."""
    w = t.cum[i]
    for a, b in t.spans[i]:
        if s <= a:
            break
        w += (s if s < b else b) - a
    return w


def _locate_end(t: _Table, target: int) -> tuple[int, int]:
    """The earliest instant at which ``target`` working seconds are reached (an interval's end
    rather than the next one's start). Needs ``cum[0] < target <= cum[-1]``."""
    j = bisect_left(t.cum, target) - 1
    rest = target - t.cum[j]
    for a, b in t.spans[j]:
        if rest <= b - a:
            return j, a + rest
        rest -= b - a
    raise AssertionError("inconsistent day table")  # pragma: no cover


def _locate_start(t: _Table, target: int) -> tuple[int, int]:
    """The latest instant with ``target`` working seconds behind it (an interval's start rather
    than the previous one's end). Needs ``cum[0] <= target < cum[-1]``."""
    j = bisect_right(t.cum, target) - 1
    rest = target - t.cum[j]
    for a, b in t.spans[j]:
        if rest < b - a:
            return j, a + rest
        rest -= b - a
    raise AssertionError("inconsistent day table")  # pragma: no cover


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Official working time in one time zone.

    ``weekly_hours`` maps a weekday (0 = Monday) to its working intervals; ``days_off`` and
    ``working_days`` name the exceptions; ``provider`` supplies more of them per year, lazily
    (e.g. :func:`portal.calendar.defaults.vietnam_year`). Explicit days win over provided ones
    for the same date; within one source a day off wins over a working day.
    All methods take and return timezone-aware datetimes; results are in ``tz``.
    """

    tz: tzinfo = VN_TZ
    weekly_hours: Mapping[int, Sequence[Interval]] = field(
        default_factory=lambda: DEFAULT_WEEKLY_HOURS)
    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, SwappedDay | str] = field(default_factory=dict)
    provider: DayProvider | None = None
    hours_rule: str = HOURS_RULE
    days_rule: str = DAYS_RULE
    min_year: int = MIN_YEAR
    max_year: int = MAX_YEAR
    _week: tuple[_Spans, ...] = field(init=False, repr=False)
    _off: Mapping[date, str] = field(init=False, repr=False)
    _work: Mapping[date, SwappedDay] = field(init=False, repr=False)
    _state: _State = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.min_year <= self.max_year <= 9998:
            raise ValueError("need 1 <= min_year <= max_year <= 9998")
        week: list[_Spans] = [() for _ in range(7)]
        for weekday, intervals in self.weekly_hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
            week[weekday] = _spans(intervals, VI_WEEKDAYS[weekday])
        hours = {d: _intervals(sp) for d, sp in enumerate(week) if sp}
        swapped = {d: self._swapped(day) for d, day in self.working_days.items()}
        for day in swapped.values():
            if day.works_as is not None and day.works_as not in range(7):
                raise ValueError(f"works_as must be a weekday 0-6, not {day.works_as!r}")
        set_ = object.__setattr__
        set_(self, "weekly_hours", MappingProxyType(hours))
        set_(self, "days_off", MappingProxyType(dict(self.days_off)))
        set_(self, "working_days", MappingProxyType(swapped))
        set_(self, "_off", self.days_off)
        set_(self, "_work", self.working_days)
        set_(self, "_week", tuple(week))
        set_(self, "_state", _State())

    @staticmethod
    def _swapped(day: SwappedDay | str) -> SwappedDay:
        return day if isinstance(day, SwappedDay) else SwappedDay(str(day))

    # -- the day table -------------------------------------------------------------------------

    def _provided(self, year: int) -> tuple[dict[date, str], dict[date, SwappedDay]]:
        cached = self._state.provided.get(year)
        if cached is None:
            off: dict[date, str] = {}
            work: dict[date, SwappedDay] = {}
            if self.provider is not None:
                p_off, p_work = self.provider(year)
                off = {d: n for d, n in p_off.items() if d.year == year}
                work = {d: self._swapped(n) for d, n in p_work.items() if d.year == year}
            cached = self._state.provided[year] = (off, work)
        return cached

    def _swapped_spans(self, day: SwappedDay) -> _Spans:
        if day.works_as is not None:
            return self._week[day.works_as]
        return self._week[STANDARD_WEEKDAY] or next((sp for sp in self._week if sp), ())

    def _classify(self, d: date) -> tuple[_Spans, str | None, str | None]:
        """``(spans, name of the day off, name of the swapped working day)``."""
        name = self._off.get(d)
        if name is not None:
            return (), name, None
        swapped = self._work.get(d)
        if swapped is None:
            p_off, p_work = self._provided(d.year)
            name = p_off.get(d)
            if name is not None:
                return (), name, None
            swapped = p_work.get(d)
        if swapped is not None:
            return self._swapped_spans(swapped), None, swapped.name
        return self._week[d.weekday()], None, None

    def _build_years(self, year_lo: int, year_hi: int) -> tuple[
            list[_Spans], list[int], list[bool], dict[int, str], dict[int, str]]:
        spans: list[_Spans] = []
        work: list[int] = []
        working: list[bool] = []
        off_names: dict[int, str] = {}
        work_names: dict[int, str] = {}
        first = date(year_lo, 1, 1).toordinal()
        for o in range(first, date(year_hi + 1, 1, 1).toordinal()):
            sp, off, swap = self._classify(date.fromordinal(o))
            spans.append(sp)
            work.append(sum(b - a for a, b in sp))
            working.append(bool(sp))
            if off is not None:
                off_names[o] = off
            if swap is not None:
                work_names[o] = swap
        return spans, work, working, off_names, work_names

    def _extend(self, year_lo: int, year_hi: int) -> _Table:
        """A table covering at least ``year_lo`` .. ``year_hi`` (and whatever it had)."""
        if year_lo < self.min_year or year_hi > self.max_year:
            raise CalendarRangeError(
                f"the working calendar covers the years {self.min_year}-{self.max_year}"
            )
        with self._state.lock:
            old = self._state.table
            if old is not None and old.year_lo <= year_lo and year_hi <= old.year_hi:
                return old
            if old is None:
                spans, work, working, off_names, work_names = self._build_years(year_lo, year_hi)
                cum, wdc = [0], [0]
                for w, k in zip(work, working, strict=True):
                    cum.append(cum[-1] + w)
                    wdc.append(wdc[-1] + k)
                table = _Table(year_lo, year_hi, spans, cum, wdc, off_names, work_names)
            else:
                spans, cum, wdc = old.spans, old.cum, old.wdc
                off_names, work_names = dict(old.off_names), dict(old.work_names)
                lo, hi = min(year_lo, old.year_lo), max(year_hi, old.year_hi)
                if lo < old.year_lo:
                    sp, work, working, o_n, w_n = self._build_years(lo, old.year_lo - 1)
                    pre_cum, pre_wdc = [cum[0] - sum(work)], [wdc[0] - sum(working)]
                    for w, k in zip(work[:-1], working[:-1], strict=True):
                        pre_cum.append(pre_cum[-1] + w)
                        pre_wdc.append(pre_wdc[-1] + k)
                    spans, cum, wdc = sp + spans, pre_cum + cum, pre_wdc + wdc
                    off_names.update(o_n)
                    work_names.update(w_n)
                if hi > old.year_hi:
                    sp, work, working, o_n, w_n = self._build_years(old.year_hi + 1, hi)
                    cum, wdc = list(cum), list(wdc)
                    for w, k in zip(work, working, strict=True):
                        cum.append(cum[-1] + w)
                        wdc.append(wdc[-1] + k)
                    spans = spans + sp
                    off_names.update(o_n)
                    work_names.update(w_n)
                table = _Table(lo, hi, spans, cum, wdc, off_names, work_names)
            self._state.table = table
            return table

    def _table_at(self, ordinal: int) -> _Table:
        t = self._state.table
        if t is None or not 0 <= ordinal - t.first < t.n:
            year = date.fromordinal(ordinal).year
            t = self._extend(year, year)
        return t

    def _reach(self, t: _Table, scale: Literal["cum", "wdc"], target: int, *,
               forward: bool) -> _Table:
        """Extend ``t`` until ``target`` lies inside its ``scale`` (working seconds or days)."""
        empty_years = 0
        while True:
            values = getattr(t, scale)
            if (values[-1] >= target) if forward else (values[0] <= target):
                return t
            years = t.year_hi - t.year_lo + 1
            per_year = (values[-1] - values[0]) // years
            missing = target - values[-1] if forward else values[0] - target
            step = max(1, -(-missing // per_year)) if per_year > 0 else 1
            step = min(step, self.max_year - t.year_hi if forward else t.year_lo - self.min_year)
            if step <= 0:
                raise CalendarRangeError(
                    f"the working calendar covers the years {self.min_year}-{self.max_year}"
                )
            before = values[-1] - values[0]
            t = (self._extend(t.year_lo, t.year_hi + step) if forward
                 else self._extend(t.year_lo - step, t.year_hi))
            values = getattr(t, scale)
            empty_years = empty_years + step if values[-1] - values[0] == before else 0
            if empty_years >= _EMPTY_YEARS_LIMIT:
                raise ValueError("the working calendar has no working time left to count")

    def _local(self, dt: datetime) -> tuple[int, int]:
        """``(local ordinal day, local second of the day)``, a fraction rounded up."""
        if not isinstance(dt, datetime):
            raise TypeError(f"expected a datetime, not {type(dt).__name__}")
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError(f"naive datetime {dt.isoformat()}: give a timezone-aware datetime")
        loc = dt.astimezone(self.tz)
        s = loc.hour * 3600 + loc.minute * 60 + loc.second
        if loc.microsecond:
            s += 1
        return loc.toordinal(), s

    def _datetime(self, t: _Table, i: int, s: int) -> datetime:
        d = date.fromordinal(t.first + i)
        return datetime(d.year, d.month, d.day, s // 3600, s // 60 % 60, s % 60, tzinfo=self.tz)

    # -- days ----------------------------------------------------------------------------------

    def day_info(self, d: date) -> DayInfo:
        """Working intervals of ``d`` and why: weekly hours, a named day off or a swapped
        working day (Labour Code 2019 Art. 111-112; the government's yearly decisions)."""
        t = self._table_at(d.toordinal())
        o = d.toordinal()
        return DayInfo(d, _intervals(t.spans[o - t.first]), t.off_names.get(o),
                       t.work_names.get(o))

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` has working hours (not a weekly rest day, holiday or day off)."""
        t = self._table_at(d.toordinal())
        return bool(t.spans[d.toordinal() - t.first])

    def nth_working_day(self, d: date, n: int) -> date:
        """The ``n``-th working day strictly after ``d`` (before it when ``n`` < 0); ``d``
        itself is never counted (Civil Code 2015 Art. 147(2))."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("a number of working days must be an int")
        if n == 0:
            raise ValueError("n must not be 0")
        t = self._table_at(d.toordinal())
        i = d.toordinal() - t.first
        if n > 0:
            target = t.wdc[i + 1] + n
            t = self._reach(t, "wdc", target, forward=True)
            j = bisect_left(t.wdc, target) - 1
        else:
            count = t.wdc[i] + n
            t = self._reach(t, "wdc", count, forward=False)
            j = bisect_left(t.wdc, count + 1) - 1
        return date.fromordinal(t.first + j)

    # -- instants ------------------------------------------------------------------------------

    def is_working_instant(self, dt: datetime) -> bool:
        """Whether ``dt`` falls inside official working hours: intervals are half-open, so
        11:30 and 17:30 are already outside (Decree 45/2020 Art. 11: "ngoài giờ làm việc")."""
        o, s = self._local(dt)
        t = self._table_at(o)
        return any(a <= s < b for a, b in t.spans[o - t.first])

    def next_working_instant(self, dt: datetime) -> datetime:
        """``dt`` itself when it is working time, otherwise the start of the next working
        interval: where a period submitted outside working hours starts to run (W2; Decree
        45/2020 Art. 11; Thanh Hóa Decision 15/2022 Art. 11.1.a as amended by Decision 17/2024)."""
        o, s = self._local(dt)
        t = self._table_at(o)
        i = o - t.first
        if any(a <= s < b for a, b in t.spans[i]):
            return dt.astimezone(self.tz)
        target = _worked_before(t, i, s)
        t = self._reach(t, "cum", target + 1, forward=True)
        return self._datetime(t, *_locate_start(t, target))

    def add_working_hours(self, start: datetime, hours: Hours) -> datetime:
        """The instant ``hours`` of working time after ``start`` (W2; Decree 45/2020 Art. 11;
        Thanh Hóa Decision 15/2022 Art. 11.1.a as amended by Decision 17/2024; Civil Code 2015
        Art. 147(1)). Counting starts at ``start``, or at the next working instant when ``start``
        is outside working hours, and skips all non-working time; an amount that ends exactly at
        the end of an interval gives that end (11:30, not 13:30). A negative amount counts back:
        the latest instant from which ``-hours`` of working time remain until ``start``.
        ``0`` gives :meth:`next_working_instant`."""
        seconds = _to_seconds(hours)
        if seconds == 0:
            return self.next_working_instant(start)
        o, s = self._local(start)
        t = self._table_at(o)
        target = _worked_before(t, o - t.first, s) + seconds
        if seconds > 0:
            if target > t.cum[-1]:
                t = self._reach(t, "cum", target, forward=True)
            return self._datetime(t, *_locate_end(t, target))
        if target < t.cum[0]:
            t = self._reach(t, "cum", target, forward=False)
        return self._datetime(t, *_locate_start(t, target))

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The end of a period of ``n`` working days from ``start``: the day of ``start`` is not
        counted, the period begins on the next day (Civil Code 2015 Art. 147(2)), and it ends
        when working time ends on the ``n``-th working day (Civil Code 2015 Art. 148), i.e. at
        the end of that day's last working interval."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("a number of working days must be an int")
        if n < 1:
            raise ValueError("a period of working days needs n >= 1")
        o, _ = self._local(start)
        t = self._table_at(o)
        target = t.wdc[o - t.first + 1] + n
        if target > t.wdc[-1]:
            t = self._reach(t, "wdc", target, forward=True)
        j = bisect_left(t.wdc, target) - 1
        return self._datetime(t, j, t.spans[j][-1][1])

    def elapsed_working(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants, negative when ``end`` is before ``start``: how
        late a dossier is, how long a step took, time to deduct for a pause (W4)."""
        o1, s1 = self._local(start)
        o2, s2 = self._local(end)
        t = self._table_at(o1)
        if not 0 <= o2 - t.first < t.n:
            t = self._table_at(o2)
        w1 = _worked_before(t, o1 - t.first, s1)
        w2 = _worked_before(t, o2 - t.first, s2)
        return timedelta(seconds=w2 - w1)

    # -- explanations (W3) ---------------------------------------------------------------------

    def explain_working_hours(self, start: datetime, hours: Hours) -> Explanation:
        """:meth:`add_working_hours` with its reasons (W3): the effective start (W2), the rule
        with its legal basis and every stretch of non-working time skipped."""
        seconds = _to_seconds(hours)
        if seconds < 0:
            raise ValueError("only forward deadlines are explained")
        due = self.add_working_hours(start, hours)
        effective = self.next_working_instant(start)
        o1, s1 = self._local(start)
        o2, s2 = self._local(due)
        t = self._table_at(o1)
        t = self._table_at(o2) if not 0 <= o2 - t.first < t.n else t
        skipped = self._gaps(t, o1 - t.first, s1, o2 - t.first, s2)
        return Explanation("hours", start.astimezone(self.tz), _amount_text(seconds),
                           self.hours_rule, effective, skipped, due)

    def explain_working_days(self, start: datetime, n: int) -> Explanation:
        """:meth:`add_working_days` with its reasons (W3): the first day of the period (Civil
        Code 2015 Art. 147(2)), the weekends and days off skipped and the end (Art. 148)."""
        due = self.add_working_days(start, n)
        o1, _ = self._local(start)
        first_day = self.nth_working_day(date.fromordinal(o1), 1)
        t = self._table_at(o1)
        o2 = due.toordinal()
        t = self._table_at(o2) if not 0 <= o2 - t.first < t.n else t
        f = first_day.toordinal() - t.first
        effective = self._datetime(t, f, t.spans[f][0][0])
        skipped: list[SkippedStretch] = []
        run_start: int | None = None
        for i in range(o1 - t.first + 1, o2 - t.first + 1):
            if not t.spans[i]:
                run_start = i if run_start is None else run_start
            elif run_start is not None:
                start_dt, end_dt = self._datetime(t, run_start, 0), self._datetime(t, i, 0)
                skipped.append(self._whole_days(t, run_start, i - 1, start_dt, end_dt))
                run_start = None
        return Explanation("days", start.astimezone(self.tz), f"{n} ngày làm việc",
                           self.days_rule, effective, tuple(skipped), due)

    def _gaps(self, t: _Table, i0: int, s0: int, i1: int, s1: int) -> tuple[SkippedStretch, ...]:
        """The non-working stretches between ``(i0, s0)`` and ``(i1, s1)``."""
        out: list[SkippedStretch] = []
        gap = (i0, s0)
        for i in range(i0, i1 + 1):
            lo = s0 if i == i0 else 0
            hi = s1 if i == i1 else _DAY
            for a, b in t.spans[i]:
                if b <= lo:
                    continue
                if a >= hi:
                    break
                if (i, max(a, lo)) != gap:
                    out.append(self._stretch(t, gap, (i, max(a, lo))))
                gap = (i, min(b, hi))
        return tuple(out)

    def _stretch(self, t: _Table, frm: tuple[int, int], to: tuple[int, int]) -> SkippedStretch:
        (i, s), (k, e) = frm, to
        start, end = self._datetime_any(t, i, s), self._datetime(t, k, e)
        whole = [d for d in range(i, k) if not t.spans[d]]
        if whole:
            return self._whole_days(t, whole[0], whole[-1], start, end)
        if i == k and any(b <= s for _, b in t.spans[i]):
            return SkippedStretch("lunch", start, end, "Nghỉ trưa")
        return SkippedStretch("night", start, end, "Ngoài giờ làm việc")

    def _datetime_any(self, t: _Table, i: int, s: int) -> datetime:
        return self._datetime(t, i + 1, 0) if s >= _DAY else self._datetime(t, i, s)

    def _whole_days(self, t: _Table, i: int, k: int, start: datetime,
                    end: datetime) -> SkippedStretch:
        """Whole days off ``i`` .. ``k`` merged into one stretch, named after its holidays."""
        names = tuple(n for d in range(i, k + 1)
                      if (n := t.off_names.get(t.first + d)) is not None)
        first, last = date.fromordinal(t.first + i), date.fromordinal(t.first + k)
        if names:
            distinct = tuple(dict.fromkeys(names))
            return SkippedStretch("holiday", start, end, _holiday_label(distinct), distinct,
                                  first, last)
        weekend = all(date.fromordinal(t.first + d).weekday() >= 5 for d in range(i, k + 1))
        label = "Nghỉ cuối tuần" if weekend else "Nghỉ hằng tuần"
        return SkippedStretch("weekend", start, end, label, (), first, last)
