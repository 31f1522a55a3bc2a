"""Hand-written cases for the working calendar (W1-W3). No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal.calendar.core import (
    DAYS_RULE,
    HOURS_RULE,
    VN_TZ,
    CalendarRangeError,
    SwappedDay,
    WorkingCalendar,
    _holiday_label,
)
from portal.calendar.defaults import (
    default_calendar,
    holiday_name,
    substituted_date,
    vietnam_year,
)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return default_calendar()


# -- W1: weekends, holidays, swaps ----------------------------------------------------------


def test_weekend_is_skipped(cal):
    # Friday 16:00 + 4 h: 1.5 h on Friday, 2.5 h on Monday morning.
    assert cal.add_working_hours(at(2026, 3, 6, 16), 4) == at(2026, 3, 9, 10)


def test_tet_2026(cal):
    # Friday before Tết 16:00 + 8 h: 1.5 h, then Tết 14/02 - 22/02, then 6.5 h on 23/02.
    assert cal.add_working_hours(at(2026, 2, 13, 16), 8) == at(2026, 2, 23, 16)
    for day in range(14, 23):
        assert not cal.is_working_day(date(2026, 2, day))
    assert cal.is_working_day(date(2026, 2, 23))


def test_hung_kings_day_2026_observed_on_monday(cal):
    assert cal.day_info(date(2026, 4, 26)).day_off == "Giỗ Tổ Hùng Vương"
    assert cal.day_info(date(2026, 4, 27)).day_off == "Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert cal.add_working_hours(at(2026, 4, 24, 16), 8) == at(2026, 4, 28, 16)


def test_reunification_and_labour_day(cal):
    # Wednesday 29/04 17:00 + 1 h: 30/04 (Thu) and 01/05 (Fri) are off, then the weekend.
    assert cal.add_working_hours(at(2026, 4, 29, 17), 1) == at(2026, 5, 4, 8)


def test_swapped_saturday_is_a_working_day(cal):
    saturday = date(2026, 8, 22)
    info = cal.day_info(saturday)
    assert info.is_working
    assert info.working_day == "Làm bù cho ngày nghỉ 31/08/2026"
    assert info.intervals == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30)))
    assert cal.is_working_instant(at(2026, 8, 22, 10))
    assert cal.add_working_hours(at(2026, 8, 21, 16), 4) == at(2026, 8, 22, 10)


def test_national_day_2026_with_swapped_monday(cal):
    assert not cal.is_working_day(date(2026, 8, 31))
    # Friday 28/08 16:00 + 2 h: off 29/08 - 02/09, then Thursday 03/09 08:00.
    assert cal.add_working_hours(at(2026, 8, 28, 16), 2) == at(2026, 9, 3, 8)


def test_vietnam_cultural_day_from_2026(cal):
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.is_working_day(date(2025, 11, 24))


def test_year_end(cal):
    # 31/12/2025 (Wed) 16:00 + 4 h: 01/01/2026 is New Year, so Friday 02/01 10:00.
    assert cal.add_working_hours(at(2025, 12, 31, 16), 4) == at(2026, 1, 2, 10)
    assert cal.add_working_days(at(2025, 12, 31, 10), 1) == at(2026, 1, 2, 17, 30)


def test_swap_across_new_year_from_package(cal):
    # 31/12/2018 off, worked on Saturday 05/01/2019 (the package only names the day off).
    assert not cal.is_working_day(date(2018, 12, 31))
    assert cal.is_working_day(date(2019, 1, 5))


# -- working hours --------------------------------------------------------------------------


def test_lunch_break(cal):
    monday = (2026, 3, 9)
    assert cal.add_working_hours(at(*monday, 10, 30), 1) == at(*monday, 11, 30)  # not 13:30
    assert cal.add_working_hours(at(*monday, 10, 30), 1.5) == at(*monday, 14)
    assert cal.add_working_hours(at(*monday, 12), 1) == at(*monday, 14, 30)  # starts at 13:30
    assert cal.add_working_hours(at(*monday, 13), 4) == at(*monday, 17, 30)  # not next 07:30


def test_w2_outside_hours_counts_from_next_working_hour(cal):
    # Friday 18:00 + 8 h: counting starts Monday 07:30, due Monday 17:30.
    assert cal.add_working_hours(at(2026, 3, 6, 18), 8) == at(2026, 3, 9, 17, 30)
    # Before opening and at the weekend too.
    assert cal.add_working_hours(at(2026, 3, 9, 6), 1) == at(2026, 3, 9, 8, 30)
    assert cal.add_working_hours(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 8, 30)


def test_amount_types_agree(cal):
    start = at(2026, 3, 9, 10)
    expected = at(2026, 3, 9, 13, 30) + timedelta(minutes=30)
    for amount in (2, 2.0, Decimal("2"), timedelta(hours=2)):
        assert cal.add_working_hours(start, amount) == expected
    assert cal.add_working_hours(start, Decimal("0.25")) == at(2026, 3, 9, 10, 15)
    with pytest.raises(TypeError):
        cal.add_working_hours(start, True)
    with pytest.raises(TypeError):
        cal.add_working_hours(start, "2")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cal.add_working_hours(start, float("nan"))


def test_zero_hours_is_the_effective_start(cal):
    assert cal.add_working_hours(at(2026, 3, 9, 9), 0) == at(2026, 3, 9, 9)
    assert cal.add_working_hours(at(2026, 3, 9, 11, 30), 0) == at(2026, 3, 9, 13, 30)


def test_negative_hours_count_back(cal):
    assert cal.add_working_hours(at(2026, 3, 9, 8, 30), -1) == at(2026, 3, 9, 7, 30)
    assert cal.add_working_hours(at(2026, 3, 9, 7, 30), -1) == at(2026, 3, 6, 16, 30)
    assert cal.add_working_hours(at(2026, 3, 9, 14, 30), -1) == at(2026, 3, 9, 13, 30)
    assert cal.add_working_hours(at(2026, 2, 23, 8), -1) == at(2026, 2, 13, 17)


def test_instants(cal):
    assert cal.is_working_instant(at(2026, 3, 9, 7, 30))
    assert cal.is_working_instant(at(2026, 3, 9, 17, 29, 59))
    assert not cal.is_working_instant(at(2026, 3, 9, 11, 30))
    assert not cal.is_working_instant(at(2026, 3, 9, 17, 30))
    assert not cal.is_working_instant(at(2026, 3, 8, 10))  # Sunday
    assert not cal.is_working_instant(at(2026, 1, 1, 10))
    assert cal.next_working_instant(at(2026, 3, 9, 9)) == at(2026, 3, 9, 9)
    assert cal.next_working_instant(at(2026, 3, 9, 11, 30)) == at(2026, 3, 9, 13, 30)
    assert cal.next_working_instant(at(2026, 3, 6, 18)) == at(2026, 3, 9, 7, 30)


def test_other_time_zones_are_converted(cal):
    start = datetime(2026, 3, 6, 11, 0, tzinfo=UTC)  # 18:00 in Hà Nội
    due = cal.add_working_hours(start, 8)
    assert due == at(2026, 3, 9, 17, 30)
    assert due.utcoffset() == timedelta(hours=7)
    paris = datetime(2026, 3, 9, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 08:30 Hà Nội
    assert cal.is_working_instant(paris)


def test_fractions_of_a_second_count_from_the_next_second(cal):
    start = at(2026, 3, 9, 9).replace(microsecond=400_000)
    assert cal.add_working_hours(start, 1) == at(2026, 3, 9, 10, 0, 1)


# -- working days (Civil Code 2015 Art. 147-148) -------------------------------------------


def test_working_days_start_the_next_day_and_end_at_close_of_work(cal):
    assert cal.add_working_days(at(2026, 3, 9, 10), 1) == at(2026, 3, 10, 17, 30)
    # The day of the start never counts, whatever the hour.
    assert cal.add_working_days(at(2026, 3, 9, 7), 1) == at(2026, 3, 10, 17, 30)
    assert cal.add_working_days(at(2026, 3, 6, 18), 1) == at(2026, 3, 9, 17, 30)
    assert cal.add_working_days(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 17, 30)
    assert cal.add_working_days(at(2026, 2, 13, 9), 5) == at(2026, 2, 27, 17, 30)
    assert cal.add_working_days(at(2026, 2, 12, 9), 2) == at(2026, 2, 23, 17, 30)
    # Feedback in Thanh Hóa: 13 working days.
    assert cal.add_working_days(at(2026, 3, 2, 9), 13) == at(2026, 3, 19, 17, 30)


def test_working_days_use_the_local_date(cal):
    # 2026-03-08 18:00 UTC is Monday 01:00 in Hà Nội: Monday is the start day.
    start = datetime(2026, 3, 8, 18, tzinfo=UTC)
    assert cal.add_working_days(start, 1) == at(2026, 3, 10, 17, 30)


def test_working_days_arguments(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(at(2026, 3, 9), 0)
    with pytest.raises(TypeError):
        cal.add_working_days(at(2026, 3, 9), 1.0)  # type: ignore[arg-type]


def test_nth_working_day(cal):
    assert cal.nth_working_day(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert cal.nth_working_day(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert cal.nth_working_day(date(2026, 3, 9), -1) == date(2026, 3, 6)
    assert cal.nth_working_day(date(2026, 3, 8), -1) == date(2026, 3, 6)
    with pytest.raises(ValueError):
        cal.nth_working_day(date(2026, 3, 9), 0)


# -- elapsed --------------------------------------------------------------------------------


def test_elapsed(cal):
    assert cal.elapsed_working(at(2026, 3, 6, 16), at(2026, 3, 9, 10)) == timedelta(hours=4)
    assert cal.elapsed_working(at(2026, 3, 9, 10), at(2026, 3, 6, 16)) == timedelta(hours=-4)
    assert cal.elapsed_working(at(2026, 3, 9, 11, 30), at(2026, 3, 9, 13, 30)) == timedelta(0)
    assert cal.elapsed_working(at(2026, 2, 13, 7), at(2026, 2, 24, 7)) == timedelta(hours=16)


# -- naive datetimes and bad input ----------------------------------------------------------


def test_naive_datetimes_are_rejected(cal):
    naive = datetime(2026, 3, 9, 9)
    calls = [
        lambda: cal.is_working_instant(naive),
        lambda: cal.next_working_instant(naive),
        lambda: cal.add_working_hours(naive, 1),
        lambda: cal.add_working_days(naive, 1),
        lambda: cal.elapsed_working(naive, at(2026, 3, 9)),
        lambda: cal.elapsed_working(at(2026, 3, 9), naive),
        lambda: cal.explain_working_hours(naive, 1),
        lambda: cal.explain_working_days(naive, 1),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="naive"):
            call()
    with pytest.raises(TypeError):
        cal.add_working_hours(date(2026, 3, 9), 1)  # type: ignore[arg-type]


def test_weekly_hours_are_validated():
    with pytest.raises(ValueError, match="overlap"):
        WorkingCalendar(weekly_hours={0: [(time(8), time(12)), (time(11), time(13))]})
    with pytest.raises(ValueError, match="end after"):
        WorkingCalendar(weekly_hours={0: [(time(12), time(8))]})
    with pytest.raises(ValueError, match="weekday"):
        WorkingCalendar(weekly_hours={7: [(time(8), time(12))]})
    with pytest.raises(ValueError, match="works_as"):
        WorkingCalendar(working_days={date(2026, 1, 3): SwappedDay("x", 9)})


def test_a_calendar_without_working_time_fails_cleanly():
    empty = WorkingCalendar(weekly_hours={})
    with pytest.raises(ValueError, match="no working time"):
        empty.add_working_hours(at(2026, 3, 9), 1)
    with pytest.raises(ValueError, match="no working time"):
        empty.add_working_days(at(2026, 3, 9), 1)


# -- custom calendars -----------------------------------------------------------------------


def test_explicit_days_override_the_provider_and_swaps_keep_a_weekday():
    saturday_hours = {5: [(time(8), time(12))]}
    hours = {d: [(time(8), time(12)), (time(13), time(17))] for d in range(5)} | saturday_hours

    def provider(year: int):
        return {date(year, 3, 10): "Provided holiday"}, {date(year, 3, 15): "Provided Sunday"}

    cal = WorkingCalendar(
        weekly_hours=hours,
        days_off={date(2026, 3, 15): "Explicit day off"},
        working_days={date(2026, 3, 10): "Explicit working day",
                      date(2026, 3, 22): SwappedDay("Works as Saturday", works_as=5)},
        provider=provider,
    )
    assert cal.is_working_day(date(2026, 3, 10))  # explicit working day beats the provider
    assert not cal.is_working_day(date(2026, 3, 15))  # explicit day off beats the provider
    assert not cal.is_working_day(date(2027, 3, 10))  # the provider, another year
    assert cal.day_info(date(2027, 3, 15)).working_day == "Provided Sunday"
    assert cal.day_info(date(2026, 3, 22)).intervals == ((time(8), time(12)),)
    assert cal.add_working_hours(at(2026, 3, 21, 11), 2) == at(2026, 3, 22, 9)


def test_years_outside_the_range_are_refused(cal):
    with pytest.raises(CalendarRangeError):
        cal.add_working_hours(at(9999, 1, 4, 9), 1)
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(date(1800, 1, 1))
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(at(2200, 12, 1), 60)
    small = WorkingCalendar(min_year=2026, max_year=2026)
    assert small.add_working_days(at(2026, 12, 30), 1) == at(2026, 12, 31, 17, 30)
    with pytest.raises(CalendarRangeError):
        small.add_working_days(at(2026, 12, 30), 2)
    with pytest.raises(CalendarRangeError):
        small.add_working_hours(at(2026, 1, 1, 9), -8)


def test_far_future_and_far_past(cal):
    start = at(2026, 3, 9, 9)
    due = cal.add_working_hours(start, 20_000)  # about ten years
    assert due.year in (2035, 2036)
    assert cal.elapsed_working(start, due) == timedelta(hours=20_000)
    # 01/01/2090 is a Sunday, observed on Monday 02/01.
    assert cal.add_working_days(at(2089, 12, 31), 1) == at(2090, 1, 3, 17, 30)
    assert cal.elapsed_working(at(1999, 1, 4, 7, 30), at(1999, 1, 4, 8)) == timedelta(minutes=30)
    assert cal.add_working_hours(start, -20_000).year in (2015, 2016)


# -- W3: explanations -----------------------------------------------------------------------


def test_explain_hours_over_tet(cal):
    exp = cal.explain_working_hours(at(2026, 2, 13, 16), 8)
    assert exp.due == at(2026, 2, 23, 16)
    assert exp.effective_start == exp.start == at(2026, 2, 13, 16)
    assert exp.rule == HOURS_RULE
    tet, lunch = exp.skipped
    assert (tet.kind, tet.first_day, tet.last_day) == ("holiday", date(2026, 2, 14),
                                                       date(2026, 2, 22))
    assert (tet.start, tet.end) == (at(2026, 2, 13, 17, 30), at(2026, 2, 23, 7, 30))
    assert lunch.kind == "lunch"
    text = exp.text()
    assert "Nghỉ Tết Nguyên đán: 14/02/2026 – 22/02/2026" in text
    assert "Nghỉ trưa 11:30–13:30 ngày 23/02/2026" in text
    assert "Thời điểm bắt đầu: 16:00 ngày 13/02/2026 (thứ Sáu)" in text
    assert "Thời hạn: 8 giờ làm việc" in text
    assert "Nghị định 45/2020/NĐ-CP Điều 11" in text
    assert "Quyết định 17/2024/QĐ-UBND" in text
    assert text.endswith("Hạn: 16:00 ngày 23/02/2026 (thứ Hai)")
    assert "Bắt đầu tính từ" not in text


def test_explain_hours_outside_working_time(cal):
    exp = cal.explain_working_hours(at(2026, 3, 6, 18), 8)
    assert exp.effective_start == at(2026, 3, 9, 7, 30)
    weekend, lunch = exp.skipped
    assert weekend.kind == "weekend"
    assert weekend.text() == "Nghỉ cuối tuần: 07/03/2026 – 08/03/2026"
    assert lunch.text() == "Nghỉ trưa 11:30–13:30 ngày 09/03/2026"
    text = exp.text()
    assert "Bắt đầu tính từ: 07:30 ngày 09/03/2026 (thứ Hai)" in text
    assert "Hạn: 17:30 ngày 09/03/2026 (thứ Hai)" in text


def test_explain_nights_and_holiday_names(cal):
    exp = cal.explain_working_hours(at(2026, 3, 9, 16), 4)
    assert [s.text() for s in exp.skipped] == [
        "Ngoài giờ làm việc: 17:30 ngày 09/03/2026 – 07:30 ngày 10/03/2026",
    ]
    exp = cal.explain_working_hours(at(2026, 8, 28, 17), 1)
    (holiday,) = exp.skipped
    assert holiday.names == ("Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)", "Quốc khánh")
    assert holiday.text() == (
        "Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026), Quốc khánh: 29/08/2026 – 02/09/2026"
    )
    exp = cal.explain_working_hours(at(2026, 4, 24, 17), 1)
    assert exp.skipped[0].text() == "Nghỉ Giỗ Tổ Hùng Vương: 25/04/2026 – 27/04/2026"
    early = cal.explain_working_hours(at(2026, 3, 9, 6), 1)
    assert early.skipped[0].text() == "Ngoài giờ làm việc 06:00–07:30 ngày 09/03/2026"


def test_explain_long_periods_summarise_daily_breaks(cal):
    exp = cal.explain_working_hours(at(2026, 3, 9, 7, 30), 40)
    assert exp.due == at(2026, 3, 13, 17, 30)
    assert sum(s.kind == "lunch" for s in exp.skipped) == 5
    assert sum(s.kind == "night" for s in exp.skipped) == 4
    assert "Nghỉ trưa (5 lần) và ngoài giờ làm việc (4 lần)" in exp.text()
    assert exp.text(full=True).count("Nghỉ trưa 11:30–13:30") == 5


def test_explain_days(cal):
    exp = cal.explain_working_days(at(2026, 2, 13, 9), 5)
    assert exp.due == at(2026, 2, 27, 17, 30)
    assert exp.rule == DAYS_RULE
    assert exp.effective_start == at(2026, 2, 23, 7, 30)
    assert [s.text() for s in exp.skipped] == ["Nghỉ Tết Nguyên đán: 14/02/2026 – 22/02/2026"]
    text = exp.text()
    assert "Điều 147" in text and "Điều 148" in text
    assert "Thời hạn: 5 ngày làm việc" in text
    assert "Ngày đầu tiên của thời hạn: 23/02/2026 (thứ Hai)" in text
    assert text.endswith("Hạn: 17:30 ngày 27/02/2026 (thứ Sáu)")
    exp = cal.explain_working_days(at(2026, 3, 6, 9), 2)
    assert [s.text() for s in exp.skipped] == ["Nghỉ cuối tuần: 07/03/2026 – 08/03/2026"]


def test_explanation_amounts(cal):
    assert cal.explain_working_hours(at(2026, 3, 9, 8), 1.5).amount_text == (
        "1 giờ 30 phút làm việc"
    )
    assert cal.explain_working_hours(at(2026, 3, 9, 8), Decimal("0.5")).amount_text == (
        "30 phút làm việc"
    )
    with pytest.raises(ValueError):
        cal.explain_working_hours(at(2026, 3, 9, 8), -1)


def test_holiday_label():
    assert _holiday_label(["Tết Nguyên đán (mùng 1)", "Tết Nguyên đán (mùng 2)"]) == (
        "Nghỉ Tết Nguyên đán"
    )
    assert _holiday_label(["Quốc khánh (nghỉ bù)"]) == "Nghỉ Quốc khánh (nghỉ bù)"
    assert _holiday_label(["Ngày Chiến thắng", "Ngày Quốc tế Lao động"]) == (
        "Nghỉ Ngày Chiến thắng, Ngày Quốc tế Lao động"
    )
    assert _holiday_label(["Nghỉ đột xuất"]) == "Nghỉ đột xuất"


# -- the default calendar -------------------------------------------------------------------


def test_substituted_dates_are_parsed():
    assert substituted_date("Day off (substituted from 08/22/2026)") == date(2026, 8, 22)
    assert substituted_date("Ngày nghỉ (thay cho ngày 22/08/2026)") == date(2026, 8, 22)
    assert substituted_date("Quốc khánh") is None


def test_default_year_2026():
    days_off, working = vietnam_year(2026)
    assert days_off[date(2026, 1, 1)] == "Tết Dương lịch"
    assert days_off[date(2026, 2, 17)] == "Tết Nguyên đán (mùng 1)"
    assert days_off[date(2026, 8, 31)] == "Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)"
    assert days_off[date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"
    assert dict(working) == {date(2026, 8, 22): SwappedDay("Làm bù cho ngày nghỉ 31/08/2026")}
    assert holiday_name("Quốc khánh; Tết Dương lịch (nghỉ bù)") == (
        "Quốc khánh; Tết Dương lịch (nghỉ bù)"
    )
