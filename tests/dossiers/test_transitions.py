"""D1-D3, D11, W2: the dossier state machine — guards, events, codes, deadlines, replay."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from dossiers import services
from dossiers.models import Dossier, DossierEvent
from dossiers.states import NATIONAL_STATUS, State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def setup(db):
    agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5))
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(personal_id="038090001234", full_name="Nguyễn Văn An")
    clerk = officer(agency, Role.INTAKE_OFFICER)
    # Tests travel back to March 2026: the officer's role must already be in force then.
    Membership.objects.update(started_at=at(2020, 1, 1))
    return procedure, agency, citizen, clerk


def draft(setup) -> Dossier:
    procedure, _agency, citizen, _clerk = setup
    return services.start_draft(procedure, applicant=citizen)


def test_every_state_has_a_national_status_code():
    assert set(NATIONAL_STATUS) == set(State)
    assert NATIONAL_STATUS[State.SUBMITTED] == 1 and NATIONAL_STATUS[State.RETURNED] == 10


def test_state_cannot_be_assigned_directly(setup):
    dossier = draft(setup)
    with pytest.raises(AttributeError):
        dossier.state = State.RECEIVED


def test_reloading_keeps_the_state_protected_for_every_thread(setup):
    """A reload never switches the state field's protection off (it is shared by every thread
    of the process); afterwards the instance sees the new state, cannot be written directly,
    and saves without a false 'changed since fetched' conflict."""
    dossier = draft(setup)
    stale = Dossier.objects.get(pk=dossier.pk)
    field = Dossier._meta.get_field("state")
    protection_seen: list[bool] = []

    class Spy(type(Dossier.objects.all())):  # type: ignore[misc]
        def get(self, *args, **kwargs):
            protection_seen.append(field.protected)
            return super().get(*args, **kwargs)

    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.submit(dossier, by=setup[2])
    stale.refresh_from_db(from_queryset=Spy(Dossier))
    assert protection_seen == [True] and field.protected
    assert stale.state == State.SUBMITTED and stale.code == dossier.code
    with pytest.raises(AttributeError):
        stale.state = State.RECEIVED
    stale.save(update_fields=["intake_due_at"])  # no conflict: the reload took the new state
    # the caller's own instance was brought up to date by the transition, without a reload
    assert dossier.state == State.SUBMITTED and dossier.submitted_at is not None


def test_submission_outside_working_hours_counts_from_monday(setup):
    dossier = draft(setup)
    with time_machine.travel(at(2026, 3, 6, 19, 0), tick=False):  # Friday evening
        services.submit(dossier, by=setup[2])
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier.code == "000.01.30.H56-260306-0001"
    assert dossier.intake_due_at == at(2026, 3, 9, 17, 30)  # Monday: 8 working hours (W2)
    event = dossier.events.get()
    assert (event.from_state, event.to_state, event.actor_kind) == ("draft", "submitted",
                                                                     "citizen")


def test_codes_run_per_agency_and_day(setup):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        codes = []
        for _ in range(3):
            dossier = draft(setup)
            services.submit(dossier, by=setup[2])
            dossier.refresh_from_db()
            codes.append(dossier.code)
    assert codes == [f"000.01.30.H56-260309-000{n}" for n in (1, 2, 3)]


def test_only_the_applicant_submits(setup):
    dossier = draft(setup)
    with pytest.raises(services.DossierError):
        services.submit(dossier, by=UserFactory())
    with pytest.raises(services.DossierError):
        services.submit(dossier, by=setup[3])  # not even an officer
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT


def test_only_an_intake_officer_of_the_receiving_agency_accepts(setup):
    _procedure, agency, citizen, clerk = setup
    dossier = draft(setup)
    services.submit(dossier, by=citizen)
    for stranger in (officer(AgencyFactory(), Role.INTAKE_OFFICER),
                     officer(agency, Role.PROCESSING_OFFICER), citizen):
        with pytest.raises(services.DossierError):
            services.accept(dossier, by=stranger)
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.accept(dossier, by=clerk)
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING  # received, then moved to processing at once
    assert dossier.processing_due_at == at(2026, 3, 16, 17, 30)  # 5 working days after Monday


def test_a_second_accept_gets_a_clear_message(setup):
    _procedure, agency, citizen, clerk = setup
    dossier = draft(setup)
    services.submit(dossier, by=citizen)
    stale = Dossier.objects.get(pk=dossier.pk)
    services.accept(dossier, by=clerk)
    with pytest.raises(services.DossierError, match=r"đang xử lý.*không thể thực hiện"):
        services.accept(stale, by=officer(agency, Role.INTAKE_OFFICER))
    assert dossier.events.filter(transition="accept").count() == 1


def test_ask_to_complete_stops_the_clock_and_resubmission_restarts_intake(setup):
    _procedure, _agency, citizen, clerk = setup
    dossier = draft(setup)
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        services.submit(dossier, by=citizen)
    with pytest.raises(services.DossierError):
        services.ask_to_complete(dossier, by=clerk, defects=["  "])
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        services.ask_to_complete(dossier, by=clerk, defects=["Thiếu bản sao giấy chứng sinh",
                                                             "Tờ khai chưa ký"])
    dossier.refresh_from_db()
    assert dossier.state == State.INCOMPLETE
    assert dossier.completion_due_at == at(2026, 3, 30, 17, 30)  # 15 working days
    assert dossier.events.last().data["defects"][1] == "Tờ khai chưa ký"
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        services.resubmit(dossier, by=citizen)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier.paused_seconds == 8 * 3600  # one working day waited for the applicant
    assert dossier.intake_due_at == at(2026, 3, 11, 10, 0)  # the period restarts
    assert dossier.code.endswith("-260309-0001")  # the code stays


def test_incomplete_dossiers_are_closed_by_the_system_only_after_the_period(setup):
    _procedure, _agency, citizen, clerk = setup
    dossier = draft(setup)
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        services.submit(dossier, by=citizen)
        services.ask_to_complete(dossier, by=clerk, defects=["Thiếu tờ khai"])
    with time_machine.travel(at(2026, 3, 20, 8, 0), tick=False), pytest.raises(
        services.DossierError
    ):
        services.close_incomplete(dossier)
    with time_machine.travel(at(2026, 3, 31, 8, 0), tick=False):
        services.close_incomplete(dossier)
    dossier.refresh_from_db()
    assert dossier.state == State.REFUSED
    assert dossier.events.last().actor_kind == "system"


def test_refusal_needs_reasons(setup):
    _procedure, _agency, citizen, clerk = setup
    dossier = draft(setup)
    services.submit(dossier, by=citizen)
    with pytest.raises(services.DossierError):
        services.refuse(dossier, by=clerk, reasons=" ")
    services.refuse(dossier, by=clerk, reasons="Không thuộc thẩm quyền giải quyết")
    dossier.refresh_from_db()
    assert dossier.state == State.REFUSED and dossier.closed_at is not None


def test_withdrawal_and_closed_procedures(setup):
    procedure, _agency, citizen, _clerk = setup
    dossier = draft(setup)
    services.withdraw(dossier, by=citizen, reason="Nộp nhầm thủ tục")
    assert Dossier.objects.get(pk=dossier.pk).state == State.WITHDRAWN
    from procedures.services import close

    close(procedure, "suspended", "Tạm dừng")
    with pytest.raises(services.DossierError):
        services.start_draft(procedure, applicant=citizen)


def test_history_replays_the_state_at_any_instant(setup):
    _procedure, _agency, citizen, clerk = setup
    dossier = draft(setup)
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        services.submit(dossier, by=citizen)
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.accept(dossier, by=clerk)
    assert services.state_at(dossier, at(2026, 3, 9, 7, 0)) == State.DRAFT
    assert services.state_at(dossier, at(2026, 3, 9, 8, 30)) == State.SUBMITTED
    assert services.state_at(dossier, at(2026, 3, 9, 9, 30)) == State.PROCESSING


def test_counter_intake_is_received_at_once(setup):
    procedure, agency, _citizen, clerk = setup
    dossier = services.start_draft(procedure, applicant=None, channel="counter",
                                   applicant_name="Trần Văn Bình",
                                   applicant_id_number="038070002222",
                                   representative_name="Trần Thị Cúc",
                                   representative_authorisation="Giấy ủy quyền số 12/UQ")
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.register_at_counter(dossier, by=clerk)
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING and dossier.code.startswith(agency.code)
    assert dossier.processing_due_at == at(2026, 3, 16, 17, 30)


@pytest.mark.django_db(transaction=True)
def test_two_officers_accept_at_once_exactly_one_wins():
    """On PostgreSQL with real concurrent connections (row lock + state check)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent database connections (PostgreSQL run of CI)")
    agency = AgencyFactory(code="000.02.30.H56")
    procedure = ProcedureFactory(owner_agency=agency)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory()
    clerks = [officer(agency, Role.INTAKE_OFFICER) for _ in range(2)]
    dossier = services.start_draft(procedure, applicant=citizen)
    services.submit(dossier, by=citizen)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(clerk):
        try:
            copy = Dossier.objects.get(pk=dossier.pk)
            barrier.wait()
            services.accept(copy, by=clerk)
            outcomes.append("ok")
        except services.DossierError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert DossierEvent.objects.filter(dossier=dossier, transition="accept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_codes_stay_unique_under_concurrent_submissions():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent database connections (PostgreSQL run of CI)")
    agency = AgencyFactory(code="000.03.30.H56")
    procedure = ProcedureFactory(owner_agency=agency)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    pairs = []
    for _ in range(6):
        citizen = UserFactory()
        pairs.append((citizen, services.start_draft(procedure, applicant=citizen)))
    barrier = threading.Barrier(len(pairs))

    def act(citizen, dossier):
        try:
            barrier.wait()
            services.submit(dossier, by=citizen)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(Dossier.objects.filter(procedure=procedure).values_list("code", flat=True))
    assert len(set(codes)) == 6
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003", "0004", "0005", "0006"]


def test_deadlines_are_recomputed_after_a_calendar_change(setup):
    from django.core.management import call_command

    from portal.calendar.services import set_day

    _procedure, _agency, citizen, clerk = setup
    dossier = draft(setup)
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.submit(dossier, by=citizen)
        services.accept(dossier, by=clerk)
    set_day(at(2026, 3, 12).date(), "day_off", "Nghỉ bù đột xuất")
    call_command("recompute_deadlines")
    dossier.refresh_from_db()
    assert dossier.processing_due_at == at(2026, 3, 17, 17, 30)  # one working day later


def test_the_documented_diagram_is_current():
    from django.core.management import call_command

    call_command("dossier_diagram", check=True)


def test_the_periodic_sweep_closes_only_overdue_incomplete_dossiers(setup):
    from django_celery_beat.models import PeriodicTask

    from dossiers.tasks import close_overdue_incomplete

    _procedure, _agency, citizen, clerk = setup
    overdue, fresh = draft(setup), draft(setup)
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        for dossier in (overdue,):
            services.submit(dossier, by=citizen)
            services.ask_to_complete(dossier, by=clerk, defects=["Thiếu tờ khai"])
    with time_machine.travel(at(2026, 3, 20, 8, 0), tick=False):
        services.submit(fresh, by=citizen)
        services.ask_to_complete(fresh, by=clerk, defects=["Thiếu tờ khai"])
    with time_machine.travel(at(2026, 3, 25, 8, 0), tick=False):
        assert close_overdue_incomplete() == 1
        assert close_overdue_incomplete() == 0  # idempotent
    assert Dossier.objects.get(pk=overdue.pk).state == State.REFUSED
    assert Dossier.objects.get(pk=fresh.pk).state == State.INCOMPLETE
    assert PeriodicTask.objects.filter(task="dossiers.close_overdue_incomplete").exists()
