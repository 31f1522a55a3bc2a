"""D6, W4: the clock stops while the applicant supplements or pays and runs again — the pure
rule (continue / restart) across nights, weekends and a holiday, one and two pauses through the
services, the open step's due instant moving with it, and the guards of each request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from dossiers import processing, services
from dossiers.clock import resumed_due, waited_seconds
from dossiers.states import State
from portal.agencies.models import Province
from portal.calendar.services import get_calendar
from tests.dossiers.test_processing import World, at, step_of, travel


@pytest.fixture
def world(db):
    yield World()
    cache.delete(Province.CACHE_KEY)  # the province row is rolled back: so is its cached copy


def set_rule(rule: str) -> None:
    Province.objects.update_or_create(pk=1, defaults={"name": "Thanh Hóa", "code": "H56",
                                                      "supplement_clock_rule": rule})
    cache.delete(Province.CACHE_KEY)


# -- the pure rule ---------------------------------------------------------------------------


def test_continue_counts_the_time_left_from_the_restart(db):
    # due Wednesday 17:30; stopped Monday 14:00: 3.5 + 8 + 8 working hours left
    due = at(2026, 3, 11, 17, 30)
    left = get_calendar().elapsed_working(at(2026, 3, 9, 14, 0), due)
    assert left == timedelta(hours=19, minutes=30)
    # restarted Friday 8:00 of the same week: 7.5 + 8 + 4 h → Tuesday 11:30 (the end of
    # the morning, not 13:30)
    assert resumed_due("continue", due, at(2026, 3, 9, 14, 0), at(2026, 3, 13, 8, 0)) == \
        at(2026, 3, 17, 11, 30)


def test_continue_over_a_weekend_pause_that_covers_no_working_time(db):
    due = at(2026, 3, 10, 10, 0)
    # stopped Friday 18:00, resumed Monday 7:00: no working time waited, nothing moves
    assert resumed_due("continue", due, at(2026, 3, 6, 18, 0), at(2026, 3, 9, 7, 0)) == due
    # resumed Monday 9:30 instead: 2 working hours waited, due moves by 2 working hours
    assert resumed_due("continue", due, at(2026, 3, 6, 18, 0), at(2026, 3, 9, 9, 30)) == \
        at(2026, 3, 10, 14, 0)


def test_continue_across_a_holiday(db):
    calendar = get_calendar()
    assert not calendar.is_working_day(at(2026, 4, 30, 9, 0).date())  # Reunification Day
    assert not calendar.is_working_day(at(2026, 5, 1, 9, 0).date())  # Labour Day
    due = at(2026, 4, 29, 17, 30)
    # stopped Wednesday 29/4 at 15:30 with 2 h left; resumed the same day at 16:30
    # (1 h waited): the 2 h left run 16:30-17:30 and on Monday 4/5 7:30-8:30
    assert resumed_due("continue", due, at(2026, 4, 29, 15, 30), at(2026, 4, 29, 16, 30)) == \
        at(2026, 5, 4, 8, 30)


def test_restart_counts_the_whole_period_again(db):
    due = at(2026, 3, 11, 17, 30)
    got = resumed_due("restart", due, at(2026, 3, 9, 14, 0), at(2026, 3, 13, 8, 0),
                      period=timedelta(hours=24))
    assert got == at(2026, 3, 18, 8, 0)  # 7.5 h on Friday, 8 + 8 h, 0.5 h on Wednesday
    with pytest.raises(ValueError, match="full period"):
        resumed_due("restart", due, at(2026, 3, 9, 14, 0), at(2026, 3, 13, 8, 0))


def test_a_late_dossier_stays_exactly_as_late(db):
    due = at(2026, 3, 9, 10, 0)
    # stopped Monday 11:00, one working hour after the due time; 2.5 working hours waited
    got = resumed_due("continue", due, at(2026, 3, 9, 11, 0), at(2026, 3, 9, 15, 30))
    assert got == at(2026, 3, 9, 14, 30)  # due + 2.5 working hours: still 1 h late
    assert get_calendar().elapsed_working(got, at(2026, 3, 9, 15, 30)) == timedelta(hours=1)


def test_bad_arguments_are_refused(db):
    due = at(2026, 3, 9, 10, 0)
    with pytest.raises(ValueError, match="unknown"):
        resumed_due("pause", due, due, due)
    with pytest.raises(ValueError, match="before it stopped"):
        resumed_due("continue", due, at(2026, 3, 9, 11, 0), at(2026, 3, 9, 9, 0))
    assert waited_seconds(at(2026, 3, 6, 17, 0), at(2026, 3, 9, 8, 0)) == 3600


# -- through the services --------------------------------------------------------------------


def test_supplement_stops_and_resumes_the_clock_continue_rule(world):
    set_rule("continue")
    dossier = world.received()  # Monday 9:00; due Friday 13/3 17:30; step 1 due Tue 9:00
    with travel(at(2026, 3, 9, 14, 0)):
        with pytest.raises(services.DossierError, match="bổ sung"):
            processing.ask_supplement(dossier, by=world.first, missing=["  "])
        for other in (world.stranger, world.clerk, world.citizen, world.taxman):
            with pytest.raises(services.DossierError):
                processing.ask_supplement(dossier, by=other, missing=["Tờ khai"])
        processing.ask_supplement(dossier, by=world.first,
                                  missing=["Bản sao giấy chứng nhận", "Tờ khai có chữ ký"])
    dossier.refresh_from_db()
    assert dossier.state == State.WAITING_SUPPLEMENT
    assert dossier.paused_since == at(2026, 3, 9, 14, 0)
    event = dossier.events.get(transition="ask_supplement")
    assert event.data["missing"] == ["Bản sao giấy chứng nhận", "Tờ khai có chữ ký"]
    with travel(at(2026, 3, 10, 9, 0)):
        with pytest.raises(services.DossierError):  # only the applicant supplements
            processing.supplement(dossier, by=world.first, note="x")
        with pytest.raises(services.DossierError, match="Đính kèm"):
            processing.supplement(dossier, by=world.citizen)
        step = step_of(dossier)
        step.warned_at = at(2026, 3, 9, 13, 0)
        step.save()
        processing.supplement(dossier, by=world.citizen, note="Đã bổ sung", file_ids=[])
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING and dossier.paused_since is None
    # waited Monday 14:00 → Tuesday 9:00 = 3.5 + 1.5 = 5 working hours
    assert dossier.paused_seconds == 5 * 3600
    assert dossier.processing_due_at == at(2026, 3, 16, 14, 30)  # Friday 17:30 + 5 h
    step = step_of(dossier)
    assert step.due_at == at(2026, 3, 10, 16, 0)  # the 5 h left, from Tuesday 9:00
    assert step.paused_seconds == 5 * 3600 and step.warned_at is None


def test_two_pauses_add_up(world):
    set_rule("continue")
    dossier = world.received()
    with travel(at(2026, 3, 9, 10, 0)):
        processing.ask_supplement(dossier, by=world.first, missing=["Tờ khai"])
    with travel(at(2026, 3, 9, 11, 0)):  # 1 h
        processing.supplement(dossier, by=world.citizen, note="Tờ khai")
    with travel(at(2026, 3, 9, 16, 30)):
        processing.ask_payment(dossier, by=world.first, reason="Lệ phí cấp giấy", amount=50000)
    dossier.refresh_from_db()
    assert dossier.state == State.WAITING_PAYMENT
    with travel(at(2026, 3, 10, 8, 30)):  # 1 h + 1 h
        with pytest.raises(services.DossierError):
            processing.confirm_payment(dossier, by=world.citizen)
        processing.confirm_payment(dossier, reference="VNPAY-123")  # by the system
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert dossier.paused_seconds == 3 * 3600
    assert dossier.processing_due_at == at(2026, 3, 16, 10, 30)  # Friday 17:30 + 3 h
    assert step_of(dossier).due_at == at(2026, 3, 10, 14, 0)  # 3.5 h left at the payment request
    confirm = dossier.events.get(transition="confirm_payment")
    assert confirm.actor_kind == "system" and confirm.data["reference"] == "VNPAY-123"


def test_restart_rule_gives_the_whole_period_again(world):
    set_rule("restart")
    dossier = world.received()
    with travel(at(2026, 3, 10, 10, 0)):
        processing.complete_step(dossier, by=world.first)  # step 2 (16 h) from Tue 10:00
        processing.ask_supplement(dossier, by=world.first, missing=["Tờ khai"])
    with travel(at(2026, 3, 12, 9, 0)):
        processing.supplement(dossier, by=world.citizen, note="Đã bổ sung")
    dossier.refresh_from_db()
    # the whole legal period (38.5 working hours from Monday 9:00) again from Thursday 9:00
    assert dossier.processing_due_at == at(2026, 3, 18, 17, 30)
    assert step_of(dossier).due_at == at(2026, 3, 16, 9, 0)  # 16 h from Thursday 9:00
    assert dossier.events.get(transition="supplement").data["rule"] == "restart"


def test_payment_requests_need_a_reason_and_an_officer(world):
    dossier = world.received()
    with pytest.raises(services.DossierError, match="nộp"):
        processing.ask_payment(dossier, by=world.first, reason="")
    with pytest.raises(services.DossierError):
        processing.ask_payment(dossier, by=world.first, reason="Phí", amount=-5)
    with pytest.raises(services.DossierError):
        processing.ask_payment(dossier, by=world.stranger, reason="Phí")
    with pytest.raises(services.DossierError):  # not waiting for a payment
        processing.confirm_payment(dossier, by=world.first)
    processing.ask_payment(dossier, by=world.first, reason="Phí thẩm định", amount=100000)
    processing.confirm_payment(dossier, by=world.first, reference="Biên lai 12")
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING


def test_recomputing_deadlines_keeps_the_clock_stops(world):
    """``recompute_deadlines`` (after a calendar change) replays the pauses: with the calendar
    unchanged, a dossier that waited 3 working hours keeps its shifted due time."""
    set_rule("continue")
    dossier = world.received()
    with travel(at(2026, 3, 9, 10, 0)):
        processing.ask_supplement(dossier, by=world.first, missing=["Tờ khai"])
    with travel(at(2026, 3, 9, 11, 0)):
        processing.supplement(dossier, by=world.citizen, note="Tờ khai")
    with travel(at(2026, 3, 9, 16, 30)):
        processing.ask_payment(dossier, by=world.first, reason="Lệ phí cấp giấy", amount=50000)
    with travel(at(2026, 3, 10, 8, 30)):
        processing.confirm_payment(dossier, reference="VNPAY-123")
    dossier.refresh_from_db()
    assert dossier.processing_due_at == at(2026, 3, 16, 10, 30)
    assert services.recompute_deadlines(dossier) is False
    dossier.refresh_from_db()
    assert dossier.processing_due_at == at(2026, 3, 16, 10, 30)
