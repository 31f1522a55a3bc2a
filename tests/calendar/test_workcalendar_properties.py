"""Properties of the working calendar, and agreement with a minute-stepping reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.calendar.core import VN_TZ, SwappedDay, WorkingCalendar
from portal.calendar.defaults import default_calendar, vietnam_year
from tests.calendar.naive import NaiveCalendar

# An unusual calendar too: three intervals a day, a Saturday morning, a Sunday worked as a
# Saturday, days off from the package plus one of its own.
ODD = WorkingCalendar(
    weekly_hours={
        **{d: [(time(7), time(9, 15)), (time(9, 45), time(11, 50)), (time(13, 5), time(16, 40))]
           for d in range(5)},
        5: [(time(8), time(11))],
    },
    days_off={date(2026, 3, 11): "Nghỉ đột xuất"},
    working_days={date(2026, 3, 15): SwappedDay("Làm bù", works_as=5)},
    provider=vietnam_year,
)
CALENDARS = {"default": default_calendar(), "odd": ODD}
NAIVE = {name: NaiveCalendar(cal) for name, cal in CALENDARS.items()}

which = pytest.mark.parametrize("name", sorted(CALENDARS))

starts = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 28)
).map(lambda dt: dt.replace(second=0, microsecond=0, tzinfo=VN_TZ))
# Any instant in any zone, to second precision.
any_starts = st.builds(
    lambda dt, utc: dt.replace(microsecond=0, tzinfo=UTC).astimezone(VN_TZ) if utc
    else dt.replace(microsecond=0, tzinfo=VN_TZ),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
    st.booleans(),
)
seconds = st.integers(min_value=1, max_value=400 * 3600)
minutes = st.integers(min_value=1, max_value=30 * 60)


def in_closed_interval(cal: WorkingCalendar, dt: datetime) -> bool:
    return any(a <= dt.time() <= b for a, b in cal.day_info(dt.date()).intervals)


@which
@settings(max_examples=300, deadline=None)
@given(start=any_starts, secs=seconds)
def test_result_is_in_working_time(name, start, secs):
    cal = CALENDARS[name]
    due = cal.add_working_hours(start, timedelta(seconds=secs))
    assert due > start
    assert in_closed_interval(cal, due)
    assert due.tzinfo is cal.tz


@which
@settings(max_examples=300, deadline=None)
@given(start=any_starts, a=seconds, b=seconds)
def test_additive(name, start, a, b):
    cal = CALENDARS[name]
    first = cal.add_working_hours(start, timedelta(seconds=a))
    assert cal.add_working_hours(first, timedelta(seconds=b)) == cal.add_working_hours(
        start, timedelta(seconds=a + b)
    )


@which
@settings(max_examples=300, deadline=None)
@given(start=any_starts, secs=seconds)
def test_elapsed_inverts_add_and_back_counting_inverts_add(name, start, secs):
    cal = CALENDARS[name]
    amount = timedelta(seconds=secs)
    due = cal.add_working_hours(start, amount)
    assert cal.elapsed_working(start, due) == amount
    assert cal.elapsed_working(due, start) == -amount
    assert cal.add_working_hours(due, -amount) == cal.next_working_instant(start)


@which
@settings(max_examples=300, deadline=None)
@given(s1=any_starts, s2=any_starts, secs=seconds)
def test_monotonic_in_the_start(name, s1, s2, secs):
    cal = CALENDARS[name]
    s1, s2 = sorted((s1, s2))
    amount = timedelta(seconds=secs)
    assert cal.add_working_hours(s1, amount) <= cal.add_working_hours(s2, amount)


@which
@settings(max_examples=200, deadline=None)
@given(s1=any_starts, s2=any_starts, s3=any_starts)
def test_elapsed_is_a_difference(name, s1, s2, s3):
    cal = CALENDARS[name]
    assert cal.elapsed_working(s1, s2) + cal.elapsed_working(s2, s3) == cal.elapsed_working(s1, s3)


@which
@settings(max_examples=200, deadline=None)
@given(start=any_starts, n=st.integers(min_value=1, max_value=60))
def test_working_days_end_at_the_close_of_a_working_day(name, start, n):
    cal = CALENDARS[name]
    due = cal.add_working_days(start, n)
    info = cal.day_info(due.date())
    assert info.is_working and due.time() == info.intervals[-1][1]
    assert due.date() > start.astimezone(cal.tz).date()
    if n > 1:
        assert cal.add_working_days(cal.add_working_days(start, 1), n - 1) == due


# -- against the minute-stepping reference --------------------------------------------------


@which
@settings(max_examples=120, deadline=None)
@given(start=starts, m=minutes)
def test_add_hours_matches_reference(name, start, m):
    cal, ref = CALENDARS[name], NAIVE[name]
    assert cal.add_working_hours(start, timedelta(minutes=m)) == ref.add_minutes(start, m)


@which
@settings(max_examples=120, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=25))
def test_add_days_matches_reference(name, start, n):
    cal, ref = CALENDARS[name], NAIVE[name]
    assert cal.add_working_days(start, n) == ref.add_days(start, n)


@which
@settings(max_examples=80, deadline=None)
@given(start=starts, delta=st.integers(min_value=-6 * 24 * 60, max_value=6 * 24 * 60))
def test_elapsed_matches_reference(name, start, delta):
    cal, ref = CALENDARS[name], NAIVE[name]
    end = start + timedelta(minutes=delta)
    assert cal.elapsed_working(start, end) == timedelta(minutes=ref.elapsed_minutes(start, end))
