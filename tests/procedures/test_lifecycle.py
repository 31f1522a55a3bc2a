"""P3, P5: publication versions, decisions live within 5 working days, closing, budgets, and
due dates through the calendar."""

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal.audit.models import AuditEntry
from procedures import services
from procedures.models import (
    DecisionItem,
    Procedure,
    ProcedureMethod,
    PublicationDecision,
    TimeUnit,
)
from tests.procedures.factories import ProcedureFactory, ProcessFactory, steps

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


def test_publishing_makes_a_new_frozen_version():
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    first = services.publish(procedure)
    procedure.name = "Đăng ký khai sinh (sửa đổi)"
    procedure.save()
    second = services.publish(procedure)
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.snapshot["name"] == "Đăng ký khai sinh"  # old dossiers keep their version
    assert second.snapshot["name"] == "Đăng ký khai sinh (sửa đổi)"
    assert Procedure.objects.get(pk=procedure.pk).status == Procedure.Status.PUBLISHED


def test_closed_procedure_accepts_no_dossiers_and_says_why():
    procedure = ProcedureFactory()
    services.publish(procedure)
    services.close(procedure, Procedure.Status.SUSPENDED, "Tạm dừng để rà soát")
    procedure.refresh_from_db()
    assert not procedure.accepts_dossiers
    assert not procedure.offers_online_submission
    assert procedure.status_reason == "Tạm dừng để rà soát"
    assert procedure.status_since is not None
    with pytest.raises(services.CatalogueError):
        services.close(procedure, Procedure.Status.ABOLISHED, "  ")


def test_decision_deadline_is_five_working_days_after_receipt():
    decision = PublicationDecision(number="1949/QĐ-UBND", signed_on=at(2026, 2, 10).date(),
                                   signer="Chủ tịch UBND tỉnh", received_at=at(2026, 2, 12, 9))
    # Thu 12/02; Fri 13/02 is day 1, Tết 14-22/02, then 23, 24, 25, 26 → close of Thu 26/02.
    assert services.decision_deadline(decision) == at(2026, 2, 26, 17, 30)


def test_applying_a_decision_publishes_replaces_and_abolishes():
    new, old, gone = ProcedureFactory(), ProcedureFactory(), ProcedureFactory()
    services.publish(old)
    services.publish(gone)
    decision = PublicationDecision.objects.create(
        number="12/QĐ-UBND", signed_on=at(2026, 3, 2).date(), signer="Chủ tịch UBND tỉnh",
        received_at=at(2026, 3, 2, 8))
    DecisionItem.objects.create(decision=decision, procedure=new, replaces=old,
                                change=DecisionItem.Change.REPLACED)
    DecisionItem.objects.create(decision=decision, procedure=gone,
                                change=DecisionItem.Change.ABOLISHED)
    services.apply_decision(decision)
    new.refresh_from_db()
    old.refresh_from_db()
    gone.refresh_from_db()
    assert new.status == Procedure.Status.PUBLISHED
    assert new.versions.get().decision == decision
    assert old.status == Procedure.Status.ABOLISHED and new.national_code in old.status_reason
    assert gone.status == Procedure.Status.ABOLISHED and "12/QĐ-UBND" in gone.status_reason
    decision.refresh_from_db()
    assert decision.applied_at is not None
    with pytest.raises(services.CatalogueError):
        services.apply_decision(decision)
    assert AuditEntry.objects.filter(object_type="procedures.publicationdecision").exists()


def test_due_dates_go_through_the_calendar():
    procedure = ProcedureFactory(processing_time=Decimal(3), processing_unit=TimeUnit.WORKING_DAYS)
    # Friday 13/02/2026 10:00 + 3 working days (start day not counted; Tết) → Wed 25/02 17:30.
    assert services.due_at(procedure, at(2026, 2, 13, 10)) == at(2026, 2, 25, 17, 30)
    ProcedureMethod.objects.create(procedure=procedure, channel="online",
                                   processing_time=Decimal(8),
                                   processing_unit=TimeUnit.WORKING_HOURS)
    assert services.due_at(procedure, at(2026, 3, 2, 9), "online") == at(2026, 3, 3, 9)


def test_same_day_procedures_respect_the_cut_off():
    procedure = ProcedureFactory(processing_time=None, processing_unit=TimeUnit.SAME_DAY,
                                 same_day_cutoff=time(15, 0))
    assert services.due_at(procedure, at(2026, 3, 2, 14, 59)) == at(2026, 3, 2, 17, 30)
    assert services.due_at(procedure, at(2026, 3, 2, 15, 30)) == at(2026, 3, 3, 17, 30)
    # Saturday: the next working day.
    assert services.due_at(procedure, at(2026, 3, 7, 9)) == at(2026, 3, 9, 17, 30)


def test_process_budgets_must_add_up_to_the_legal_time():
    procedure = ProcedureFactory(processing_time=Decimal(3), processing_unit=TimeUnit.WORKING_DAYS)
    process = ProcessFactory(procedure=procedure)
    good = steps(process, ("4", TimeUnit.WORKING_HOURS), ("2", TimeUnit.WORKING_DAYS),
                 ("4", TimeUnit.WORKING_HOURS))
    assert services.budget_problem(procedure, good) is None
    short = good[:2]
    problem = services.budget_problem(procedure, short)
    assert problem is not None and "20" in problem and "24" in problem


def test_half_days_count_after_the_whole_days():
    monday = at(2026, 3, 2, 10)
    two = services.add_period(monday, Decimal(2), TimeUnit.WORKING_DAYS)
    half = services.add_period(monday, Decimal("2.5"), TimeUnit.WORKING_DAYS)
    three = services.add_period(monday, Decimal(3), TimeUnit.WORKING_DAYS)
    assert two < half < three
    assert half == at(2026, 3, 5, 11, 30)  # Wed 17:30 + 4 working hours


def test_a_same_day_method_overrides_the_procedure_time():
    procedure = ProcedureFactory(processing_time=Decimal(10))
    ProcedureMethod.objects.create(procedure=procedure, channel="counter",
                                   processing_unit=TimeUnit.SAME_DAY)
    assert services.due_at(procedure, at(2026, 3, 2, 9), "counter") == at(2026, 3, 2, 17, 30)


def test_a_decision_cannot_abolish_a_never_published_draft():
    draft = ProcedureFactory()
    decision = PublicationDecision.objects.create(
        number="13/QĐ-UBND", signed_on=at(2026, 3, 2).date(), signer="Chủ tịch UBND tỉnh",
        received_at=at(2026, 3, 2, 8))
    DecisionItem.objects.create(decision=decision, procedure=draft,
                                change=DecisionItem.Change.ABOLISHED)
    with pytest.raises(services.CatalogueError):
        services.apply_decision(decision)
    draft.refresh_from_db()
    assert draft.status == Procedure.Status.DRAFT
