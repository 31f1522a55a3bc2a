"""The calendar as data: models, the cached service, the admin and the commands (W1-W3)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.calendar import services
from portal.calendar.core import VN_TZ
from portal.calendar.models import CalendarDay, CalendarYear, WeeklyWorkingPeriod

EXAMPLE = Path(services.__file__).parent / "data" / "vn-2026.json"

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, data: object, name: str = "year.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def snapshot() -> list[tuple]:
    return list(CalendarDay.objects.order_by("date").values_list(
        "date", "kind", "name", "works_as_weekday", "source", "updated_at"))


# -- the service ----------------------------------------------------------------------------


def test_without_data_the_default_calendar_applies():
    cal = services.get_calendar()
    assert cal.add_working_hours(at(2026, 2, 13, 16), 8) == at(2026, 2, 23, 16)
    assert cal.is_working_day(date(2026, 8, 22))
    assert services.get_calendar() is cal  # cached


def test_database_days_override_the_defaults_and_invalidate_the_cache():
    before = services.get_calendar()
    assert before.is_working_day(date(2026, 3, 10))
    services.set_day(date(2026, 3, 10), CalendarDay.Kind.DAY_OFF, "Nghỉ đột xuất")
    services.set_day(date(2026, 1, 1), CalendarDay.Kind.WORKING_DAY, "Đi làm", works_as=4)
    cal = services.get_calendar()
    assert cal is not before
    assert cal.day_info(date(2026, 3, 10)).day_off == "Nghỉ đột xuất"
    assert cal.day_info(date(2026, 1, 1)).working_day == "Đi làm"
    assert not cal.is_working_day(date(2026, 2, 17))  # other package days stay
    assert services.remove_day(date(2026, 3, 10))
    assert services.get_calendar().is_working_day(date(2026, 3, 10))


def test_any_save_or_delete_invalidates_the_cache():
    first = services.get_calendar()
    row = CalendarDay.objects.create(date=date(2026, 3, 10), kind="day_off", name="X")
    second = services.get_calendar()
    assert second is not first and not second.is_working_day(date(2026, 3, 10))
    row.delete()
    assert services.get_calendar().is_working_day(date(2026, 3, 10))


def test_another_process_sees_the_version_bump():
    cal = services.get_calendar()
    services._bump()  # what a change made by another process does
    assert services.get_calendar() is not cal


def test_with_a_per_process_cache_the_calendar_is_also_rebuilt_after_a_while(monkeypatch):
    cal = services.get_calendar()
    assert services.get_calendar() is cal
    monkeypatch.setattr(services, "_shared_cache", lambda: False)
    monkeypatch.setattr(services, "LOCAL_CACHE_TTL", 0.0)
    assert services.get_calendar() is not cal


def test_weekly_working_periods_replace_the_default_hours():
    WeeklyWorkingPeriod.objects.create(weekday=0, start=time(8), end=time(12))
    cal = services.get_calendar()
    assert cal.day_info(date(2026, 3, 9)).intervals == ((time(8), time(12)),)
    assert not cal.is_working_day(date(2026, 3, 10))  # Tuesday has no hours now
    assert services.set_weekly_hours({d: [(time(7), time(11))] for d in range(5)})
    assert not services.set_weekly_hours({d: [(time(7), time(11))] for d in range(5)})
    assert services.get_calendar().add_working_hours(at(2026, 3, 9, 10), 2) == at(2026, 3, 10, 8)


def test_aware_reads_naive_times_as_local():
    assert services.aware(datetime(2026, 3, 9, 9)) == at(2026, 3, 9, 9)


# -- load_calendar --------------------------------------------------------------------------


def test_load_example_file_is_idempotent():
    out = run("load_calendar", str(EXAMPLE))
    assert out.startswith("2026: 19 added, 0 changed, 0 removed")
    assert CalendarDay.objects.count() == 19
    assert CalendarYear.objects.get(year=2026).loaded_from == str(EXAMPLE)
    assert WeeklyWorkingPeriod.objects.count() == 10
    before, year_row = snapshot(), CalendarYear.objects.values().get(year=2026)
    assert run("load_calendar", str(EXAMPLE)).strip() == "2026: unchanged"
    assert snapshot() == before
    assert CalendarYear.objects.values().get(year=2026) == year_row

    cal = services.get_calendar()
    assert cal.add_working_hours(at(2026, 2, 13, 16), 8) == at(2026, 2, 23, 16)
    assert cal.day_info(date(2026, 8, 22)).working_day == "Làm bù cho ngày nghỉ 31/08/2026"
    exp = cal.explain_working_hours(at(2026, 2, 13, 16), 8).text()
    assert "Nghỉ Tết Nguyên đán: 14/02/2026 – 22/02/2026" in exp


def test_load_records_the_import_in_the_audit_log():
    from portal.audit.models import AuditEntry

    run("load_calendar", str(EXAMPLE))
    run("load_calendar", str(EXAMPLE))
    entries = AuditEntry.objects.filter(object_type="workcalendar.calendaryear")
    assert [(e.action, e.object_id) for e in entries] == [("import", "2026")]


def test_reloading_an_edited_file_replaces_the_years_imported_days(tmp_path):
    run("load_calendar", str(EXAMPLE))
    services.set_day(date(2026, 6, 1), CalendarDay.Kind.DAY_OFF, "Nghỉ do thiên tai")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del data["working_hours"]
    data["days_off"] = [d for d in data["days_off"] if d["date"] != "2026-11-24"]
    data["days_off"][0]["name"] = "Tết Dương lịch 2026"
    data["days_off"].append({"date": "2026-01-02", "name": "Nghỉ thêm"})
    out = run("load_calendar", write(tmp_path, data))
    assert out.strip() == "2026: 1 added, 1 changed, 1 removed"
    assert not CalendarDay.objects.filter(date=date(2026, 11, 24)).exists()
    assert CalendarDay.objects.get(date=date(2026, 1, 1)).name == "Tết Dương lịch 2026"
    assert CalendarDay.objects.get(date=date(2026, 6, 1)).source == "admin"  # kept
    cal = services.get_calendar()
    assert cal.is_working_day(date(2026, 11, 24))  # the loaded year replaces the package
    assert not cal.is_working_day(date(2026, 1, 2))
    assert run("load_calendar", write(tmp_path, data)).strip() == "2026: unchanged"


def test_a_loaded_year_replaces_the_package_and_other_years_keep_it(tmp_path):
    out = run("load_calendar", write(tmp_path, {"year": 2027}))
    assert "replaces the default calendar" in out
    cal = services.get_calendar()
    assert cal.is_working_day(date(2027, 1, 1))  # no longer a holiday: the file has none
    assert not cal.is_working_day(date(2026, 1, 1))
    assert not cal.is_working_day(date(2028, 1, 3))  # 2028-01-01 is a Saturday, observed


def test_load_from_package(tmp_path):
    out = run("load_calendar", "--from-package", "2026")
    assert out.startswith("2026: 15 added")
    assert set(CalendarDay.objects.values_list("source", flat=True)) == {"default"}
    assert CalendarDay.objects.get(date=date(2026, 8, 22)).kind == "working_day"
    assert run("load_calendar", "--from-package", "2026").strip() == "2026: unchanged"
    # A file for the same year then replaces the copied days.
    run("load_calendar", str(EXAMPLE))
    assert set(CalendarDay.objects.values_list("source", flat=True)) == {"import"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "must hold a JSON object"),
        ({"days_off": []}, "year: None is not a year"),
        ({"year": "2026"}, "year: '2026' is not a year"),
        ({"year": 2026, "days_off": [{"date": "2026-02-30", "name": "x"}]},
         "days_off[0].date: '2026-02-30' is not a date"),
        ({"year": 2026, "days_off": [{"date": "2027-01-01", "name": "x"}]},
         "days_off[0].date: 2027-01-01 is not in 2026"),
        ({"year": 2026, "days_off": [{"date": "2026-01-01"}]}, "days_off[0].name: a non-empty"),
        ({"year": 2026, "days_off": [{"date": "2026-01-01", "name": "x", "kind": "y"}]},
         "days_off[0]: unknown key(s) 'kind'"),
        ({"year": 2026, "days_off": [{"date": "2026-01-01", "name": "a"}],
          "working_days": [{"date": "2026-01-01", "name": "b"}]},
         "working_days[0].date: 2026-01-01 is listed twice"),
        ({"year": 2026, "working_days": [{"date": "2026-01-03", "name": "b", "works_as": "x"}]},
         "working_days[0].works_as: 'x' is not a weekday"),
        ({"year": 2026, "working_hours": {"mon": [["07:30", "25:00"]]}},
         "working_hours.mon[0][1]: '25:00' is not a time"),
        ({"year": 2026, "working_hours": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}},
         "working_hours.mon: intervals must each end after they start and must not overlap"),
        ({"year": 2026, "working_hours": {"monday": [["08:00", "12:00"]]}},
         "working_hours.monday: 'monday' is not a weekday"),
        ({"year": 2026, "working_hours": {"mon": []}}, "at least one working interval"),
        ({"year": 2026, "days_off": {"date": "2026-01-01"}}, "days_off: must be a list"),
        ({"year": 2026, "holidays": []}, "file: unknown key(s) 'holidays'"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(CommandError) as info:
        run("load_calendar", path)
    assert message in str(info.value)
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_bad_file_reports_every_problem(tmp_path):
    path = write(tmp_path, {"year": 2026, "days_off": [{"date": "x", "name": ""}]})
    with pytest.raises(CommandError) as info:
        run("load_calendar", path)
    assert "days_off[0].date" in str(info.value) and "days_off[0].name" in str(info.value)


def test_load_calendar_arguments(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("load_calendar", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="either a FILE or --from-package"):
        run("load_calendar")
    with pytest.raises(CommandError, match="either a FILE or --from-package"):
        run("load_calendar", str(EXAMPLE), "--from-package", "2026")


# -- deadline -------------------------------------------------------------------------------


def test_deadline_in_working_hours():
    assert run("deadline", "--start", "2026-02-13T16:00", "--working-hours", "8").strip() == (
        "2026-02-23T16:00:00+07:00"
    )
    # Outside working hours (W2), an offset given, fractional hours.
    assert run("deadline", "--start", "2026-03-06T11:00:00Z", "--working-hours", "8").strip() == (
        "2026-03-09T17:30:00+07:00"
    )
    assert run("deadline", "--start", "2026-03-09T10:30", "--working-hours", "1.5").strip() == (
        "2026-03-09T14:00:00+07:00"
    )


def test_deadline_explained():
    out = run("deadline", "--start", "2026-02-13T16:00", "--working-hours", "8", "--explain")
    lines = out.splitlines()
    assert lines[0] == "2026-02-23T16:00:00+07:00"
    assert "Thời điểm bắt đầu: 16:00 ngày 13/02/2026 (thứ Sáu)" in lines
    assert "- Nghỉ Tết Nguyên đán: 14/02/2026 – 22/02/2026" in lines
    assert "- Nghỉ trưa 11:30–13:30 ngày 23/02/2026" in lines
    assert lines[-1] == "Hạn: 16:00 ngày 23/02/2026 (thứ Hai)"


def test_deadline_in_working_days():
    out = run("deadline", "--start", "2026-02-13T09:00", "--working-days", "5", "--explain")
    lines = out.splitlines()
    assert lines[0] == "2026-02-27T17:30:00+07:00"
    assert "Ngày đầu tiên của thời hạn: 23/02/2026 (thứ Hai)" in lines


def test_deadline_follows_the_loaded_calendar(tmp_path):
    data = {"year": 2026, "days_off": [{"date": "2026-03-09", "name": "Nghỉ đột xuất"}]}
    run("load_calendar", write(tmp_path, data))
    out = run("deadline", "--start", "2026-03-06T18:00", "--working-hours", "8", "--explain")
    assert out.splitlines()[0] == "2026-03-10T17:30:00+07:00"
    assert "- Nghỉ đột xuất: 07/03/2026 – 09/03/2026" in out.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ("--start", "13/02/2026", "--working-hours", "8"),
        ("--start", "2026-02-13T16:00", "--working-hours", "eight"),
        ("--start", "2026-02-13T16:00", "--working-hours", "-1"),
        ("--start", "2026-02-13T16:00", "--working-days", "0"),
        ("--start", "2026-02-13T16:00"),
        ("--start", "2026-02-13T16:00", "--working-hours", "8", "--working-days", "1"),
        ("--start", "9999-01-01T08:00", "--working-hours", "8"),
    ],
)
def test_deadline_bad_arguments(args):
    with pytest.raises(CommandError):
        run("deadline", *args)


# -- admin ----------------------------------------------------------------------------------


def test_admin_changes_are_audited_and_take_effect(admin_client):
    from portal.audit.models import AuditEntry

    assert services.get_calendar().is_working_day(date(2026, 3, 10))
    response = admin_client.post(
        reverse("admin:workcalendar_calendarday_add"),
        {"date": "2026-03-10", "kind": "day_off", "name": "Nghỉ đột xuất", "works_as_weekday": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarDay.objects.get(date=date(2026, 3, 10))
    assert row.source == "admin"
    assert not services.get_calendar().is_working_day(date(2026, 3, 10))
    assert AuditEntry.objects.filter(object_type="workcalendar.calendarday",
                                     action="create").exists()
    response = admin_client.post(
        reverse("admin:workcalendar_calendarday_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert services.get_calendar().is_working_day(date(2026, 3, 10))
    assert admin_client.get(reverse("admin:workcalendar_calendarday_changelist")).status_code == 200


def test_admin_refuses_overlapping_periods(admin_client):
    WeeklyWorkingPeriod.objects.create(weekday=0, start=time(7, 30), end=time(11, 30))
    response = admin_client.post(
        reverse("admin:workcalendar_weeklyworkingperiod_add"),
        {"weekday": "0", "start": "11:00", "end": "12:00"},
    )
    assert response.status_code == 200
    assert WeeklyWorkingPeriod.objects.count() == 1


def test_migrations_are_up_to_date():
    call_command("makemigrations", "workcalendar", "--check", "--dry-run", stdout=StringIO())
