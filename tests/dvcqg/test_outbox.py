"""I1: every dossier event the national portal must know is written to the outbox in the
transition's transaction, numbered per dossier, and delivered in that order with retries,
backoff, dead letters and an operator's resend."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from dossiers import hooks, services
from dossiers.models import Dossier
from dossiers.states import State
from portal.dvcqg import outbox
from portal.dvcqg.models import CallLog, OutboxEvent, Service
from portal.dvcqg.selectors import sync_status
from tests.dossiers.test_transitions import at, draft, setup  # noqa: F401

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 9, 9, 0)


def submitted(setup):  # noqa: F811
    dossier = draft(setup)
    services.submit(dossier, by=setup[2])
    dossier.refresh_from_db()
    return dossier


def test_drafts_are_never_sent(setup):  # noqa: F811
    dossier = draft(setup)
    services.withdraw(dossier, by=setup[2], reason="changed my mind")
    assert not OutboxEvent.objects.exists()


def test_each_status_change_writes_a_numbered_row(setup):  # noqa: F811
    with time_machine.travel(MONDAY, tick=False):
        dossier = submitted(setup)
        services.accept(dossier, by=setup[3])
    rows = list(OutboxEvent.objects.filter(dossier=dossier))
    # received (2), then moved on to processing (4) when the receipt starts it
    assert [(r.sequence, r.service, r.national_status) for r in rows][:2] == [
        (1, Service.SYNC_DOSSIER, 1), (2, Service.SYNC_DOSSIER, 2)]
    assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
    record = rows[1].payload
    assert record["MaHoSo"] == dossier.code and record["TrangThaiHoSo"] == 2
    assert record["NgayTiepNhan"] == "20260309090000"  # yyyyMMddHHmmss, Vietnam time
    assert record["MaTTHC"] == dossier.procedure.national_code
    assert record["DonViXuLy"] == "000.01.30.H56"
    for field in ("TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua"):
        assert record[field] == []


def test_a_rolled_back_transition_leaves_no_row(setup):  # noqa: F811
    dossier = draft(setup)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(dossier, by=setup[2])
        assert OutboxEvent.objects.count() == 1  # written inside the transition's transaction
        raise RuntimeError("the request failed after the transition")
    assert not OutboxEvent.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT


def test_delivery_in_order_and_acknowledged(setup, standin):  # noqa: F811
    with time_machine.travel(MONDAY, tick=False):
        dossier = submitted(setup)
        services.accept(dossier, by=setup[3])
    expected = list(OutboxEvent.objects.values_list("national_status", flat=True))
    report = outbox.deliver(budget_seconds=5)
    assert report.sent == len(expected) >= 2
    assert [e.record["TrangThaiHoSo"] for e in standin.by_dossier()[dossier.code]] == expected
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {"acknowledged"}
    dossier.refresh_from_db()
    assert dossier.synced_at is not None
    assert sync_status(dossier).state == "synced"
    calls = CallLog.objects.filter(dossier_code=dossier.code)
    assert calls.count() == len(expected) and all(c.ok and c.error_code == 0 for c in calls)
    assert CallLog.objects.filter(service="login").count() == 1


def test_a_failing_head_blocks_its_dossier_not_the_others(setup, standin, settings):  # noqa: F811
    with time_machine.travel(MONDAY, tick=False):
        first, _second = submitted(setup), submitted(setup)
        services.accept(first, by=setup[3])
    standin.fail_rate = 1.0
    settings.DVCQG_BACKOFF_SECONDS = 60
    report = outbox.deliver(budget_seconds=2)
    assert report.sent == 0 and report.failed == 2  # one head per dossier tried, not the 2nd
    head = OutboxEvent.objects.get(dossier=first, sequence=1)
    assert head.status == "failed" and head.attempts == 1 and "500" in head.last_error
    assert OutboxEvent.objects.get(dossier=first, sequence=2).attempts == 0
    status = sync_status(first)
    assert status.state == "failed" and status.waiting >= 2 and status.next_attempt_at
    # backoff: 60 s, then 120 s
    assert head.next_attempt_at - timezone.now() > timedelta(seconds=50)
    standin.fail_rate = 0.0
    assert outbox.deliver(budget_seconds=1).sent == 0  # not due yet
    total = OutboxEvent.objects.count()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert outbox.deliver(budget_seconds=3).sent == total
    assert [e.record["TrangThaiHoSo"] for e in standin.by_dossier()[first.code]] == list(
        OutboxEvent.objects.filter(dossier=first).values_list("national_status", flat=True))


def test_backoff_is_exponential_and_capped(settings):
    settings.DVCQG_BACKOFF_SECONDS = 30
    settings.DVCQG_BACKOFF_MAX_SECONDS = 600
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 5, 9)] == [
        30, 60, 120, 480, 600]


def test_dead_letter_after_max_attempts_and_resend_always_works(setup, standin,  # noqa: F811
                                                                  settings):
    settings.DVCQG_MAX_ATTEMPTS = 3
    with time_machine.travel(MONDAY, tick=False):
        dossier = submitted(setup)
    standin.fail_rate = 1.0
    outbox.deliver(budget_seconds=3)
    row = OutboxEvent.objects.get()
    assert row.status == "dead" and row.attempts == 3
    assert sync_status(dossier).dead
    assert outbox.deliver(budget_seconds=1).sent == 0  # a dead letter is not retried alone
    standin.fail_rate = 0.0
    outbox.resend(row)
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 0
    assert outbox.deliver(budget_seconds=3).sent == 1
    assert len(standin.events) == 1


def test_the_portal_applies_each_event_once_even_when_acknowledging_twice(setup, standin):  # noqa: F811
    with time_machine.travel(MONDAY, tick=False):
        submitted(setup)
    standin.ack_twice = True  # stores, loses the answer; the retry is a duplicate
    report = outbox.deliver(budget_seconds=3)
    assert report.sent == 1 and report.failed == 1
    assert len(standin.events) == 1 and standin.duplicates == 1
    assert OutboxEvent.objects.get().status == "acknowledged"


def test_a_timeout_is_retried_and_not_duplicated(setup, standin, settings):  # noqa: F811
    settings.DVCQG_TIMEOUT = 0.3
    settings.DVCQG_BACKOFF_SECONDS = 30
    with time_machine.travel(MONDAY, tick=False):
        submitted(setup)
    standin.timeout_rate, standin.delay = 1.0, 0.6
    assert outbox.deliver(budget_seconds=0.5).failed == 1
    assert "timeout" in OutboxEvent.objects.get().last_error
    standin.timeout_rate = 0.0
    import time

    time.sleep(0.5)  # the stand-in stored the late packet meanwhile
    OutboxEvent.objects.update(next_attempt_at=timezone.now())  # the retry is due
    assert outbox.deliver(budget_seconds=3).sent == 1
    assert len(standin.events) == 1 and standin.duplicates == 1


def test_step_events_send_progress_records(setup, standin):  # noqa: F811
    from dossiers.services import _run
    from dossiers.states import Actor

    with time_machine.travel(MONDAY, tick=False):
        dossier = submitted(setup)
        services.accept(dossier, by=setup[3])
        dossier.refresh_from_db()
        if dossier.state == State.RECEIVED:
            _run(dossier, "start_processing", actor=Actor.SYSTEM)
        _run(dossier, "assign_step", actor=Actor.SYSTEM, reason="Thẩm định hồ sơ")
        _run(dossier, "prepare_result", actor=Actor.SYSTEM)  # not something the portal needs
    progress = OutboxEvent.objects.get(service=Service.PROGRESS)
    record = progress.payload
    assert record["MaHoSo"] == dossier.code and record["ThoiDiemXuLy"] == "20260309090000"
    assert "Thẩm định hồ sơ" in record["NoiDungXuLy"] and record["TrangThai"] in (1, 2)
    assert progress.sequence == OutboxEvent.objects.filter(dossier=dossier).count()
    outbox.deliver(budget_seconds=5)
    assert [e.service for e in standin.events][-1] == "CapNhatTienDoHoSoMC"
    assert not OutboxEvent.objects.exclude(status="acknowledged").exists()


# -- the cost of writing (the hot path of every transition) ---------------------------------

#: Queries the outbox write adds to a transition (the ``dvcqg`` hook, inside its transaction).
#: A status change reads the record's three lists (requests to complete, files, results) and
#: inserts the row, its sequence number computed in the INSERT; the dossier, its procedure,
#: field and agencies come with the row the transition locked. A step event reads the step.
SYNC_QUERIES = 4
PROGRESS_QUERIES = 2


@pytest.fixture
def budgeted_writes(monkeypatch, django_assert_max_num_queries):
    """Holds every outbox write of the test to its query budget; the transitions written."""
    written: list[str] = []

    def write(event):
        budget = (PROGRESS_QUERIES if event.transition in outbox.STEP_TRANSITIONS
                  else SYNC_QUERIES)
        with django_assert_max_num_queries(budget):
            outbox.on_dossier_event(event)
        written.append(event.transition)

    monkeypatch.setitem(hooks._handlers, "dvcqg", write)
    return written


def test_the_outbox_write_keeps_to_its_query_budget(budgeted_writes):
    from dossiers import processing
    from dossiers.models import DossierFile, DossierResult
    from procedures.models import DossierComponent
    from tests.dossiers.test_processing import World
    from tests.dossiers.test_processing import at as vn

    world = World()
    component = DossierComponent.objects.create(procedure=world.procedure, order=1,
                                                name="Giấy tờ tùy thân", copies=1)
    with time_machine.travel(vn(2026, 3, 9, 8, 0), tick=False):
        dossier = services.start_draft(world.procedure, applicant=world.citizen)
        for n, part in enumerate((component, None)):  # the lists' lengths cost nothing
            DossierFile.objects.create(dossier=dossier, component=part, file=f"{n}.pdf",
                                       original_name=f"{n}.pdf", content_type="application/pdf",
                                       size=1, sha256=str(n) * 64)
        services.submit(dossier, by=world.citizen)
        services.ask_to_complete(dossier, by=world.clerk, defects=["Ảnh mờ"])
        services.resubmit(dossier, by=world.citizen)
        services.accept(dossier, by=world.clerk)  # and start_processing
    dossier.refresh_from_db()
    with time_machine.travel(vn(2026, 3, 9, 14, 0), tick=False):
        processing.assign_step(dossier, by=world.first, assignee=world.first)
        processing.complete_step(dossier, by=world.first, note="Hồ sơ hợp lệ")
        DossierResult.objects.create(dossier=dossier, title="Giấy chứng nhận", number="1/GCN",
                                     file="r.pdf", signed_at=timezone.now())
        processing.apologise(dossier, by=world.leader, reason="Chờ xác minh",
                             new_due_at=vn(2026, 3, 20, 17, 0))
    assert budgeted_writes == ["submit", "ask_to_complete", "resubmit", "accept",
                               "start_processing", "assign_step", "complete_step", "apologise"]
    rows = list(OutboxEvent.objects.filter(dossier=dossier))
    assert [r.sequence for r in rows] == list(range(1, 9))
    assert [r.service for r in rows].count(Service.PROGRESS) == 2
    last = rows[-1].payload
    assert len(last["TaiLieuNop"]) == 2 and len(last["DanhSachHoSoBoSung"]) == 1
    assert last["DanhSachGiayToKetQua"][0]["SoKyHieu"] == "1/GCN"


def test_the_record_names_the_processing_agency_set_by_the_transition(setup):  # noqa: F811
    from procedures.services import publish
    from tests.factories import AgencyFactory
    from tests.procedures.factories import ProcedureFactory

    _procedure, agency, citizen, clerk = setup
    owner = AgencyFactory(code="000.00.99.H56")  # no internal process: the owner processes
    procedure = ProcedureFactory(owner_agency=owner)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.start_draft(procedure, applicant=citizen)
        services.submit(dossier, by=citizen)
        services.accept(dossier, by=clerk)
    rows = list(OutboxEvent.objects.filter(dossier=dossier))
    assert [r.payload["DonViXuLy"] for r in rows] == [agency.code, agency.code, owner.code]
    row = outbox.enqueue(dossier, Service.SYNC_DOSSIER, {})  # numbered by the INSERT itself
    assert row.sequence == 4 and OutboxEvent.objects.get(pk=row.pk).sequence == 4
