"""D5: processing by internal steps — the move to processing at intake, the choice of the
process, every step action and its guards (actor, agency, unit, state), inter-agency forward and
return, the control slip's punctuality, stop and withdrawal while no result exists."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers import control_slip, processing, services
from dossiers.models import Dossier, DossierDocument, DossierResult, DossierStep
from dossiers.states import State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from procedures.models import InternalProcess, ProcessStep, TimeUnit
from procedures.services import publish
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT = "Bộ phận chuyên môn"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


class World:
    """Agency A processes a procedure of three steps (the second one inter-agency with B):
    8 + 16 + 8 working hours = 4 working days. Officers: intake clerk, two processing officers
    of the unit, one of another unit, the leader, an officer of B and one of a foreign agency."""

    def __init__(self) -> None:
        self.agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành")
        self.partner = AgencyFactory(name="Chi cục Thuế khu vực")
        self.foreign = AgencyFactory(name="UBND xã Khác")
        self.procedure = ProcedureFactory(owner_agency=self.agency, processing_time=Decimal(4),
                                          processing_unit=TimeUnit.WORKING_DAYS,
                                          name="Cấp giấy chứng nhận")
        self.procedure.receiving_agencies.add(self.agency)
        self.process = InternalProcess.objects.create(procedure=self.procedure,
                                                      agency=self.agency)
        self.s1 = ProcessStep.objects.create(process=self.process, order=1, name="Thẩm định",
                                             unit=UNIT, role="processing", budget=Decimal(1),
                                             budget_unit=TimeUnit.WORKING_DAYS)
        self.s2 = ProcessStep.objects.create(process=self.process, order=2, name="Liên thông thuế",
                                             unit=UNIT, role="processing", budget=Decimal(16),
                                             budget_unit=TimeUnit.WORKING_HOURS,
                                             other_agency=self.partner)
        self.s3 = ProcessStep.objects.create(process=self.process, order=3, name="Phê duyệt",
                                             unit="Lãnh đạo", role="leader", budget=Decimal(8),
                                             budget_unit=TimeUnit.WORKING_HOURS)
        publish(self.procedure)
        self.citizen = UserFactory(personal_id="038090001234", full_name="Nguyễn Văn An",
                                   email="an@example.vn")
        self.clerk = officer(self.agency, Role.INTAKE_OFFICER, full_name="Trần Thị Một Cửa")
        self.first = officer(self.agency, Role.PROCESSING_OFFICER, full_name="Lê Văn Thẩm")
        self.second = officer(self.agency, Role.PROCESSING_OFFICER, full_name="Phạm Thị Hai")
        self.outsider = officer(self.agency, Role.PROCESSING_OFFICER, full_name="Văn Thư")
        self.leader = officer(self.agency, Role.AGENCY_LEADER, full_name="Hoàng Chủ Tịch")
        self.taxman = officer(self.partner, Role.PROCESSING_OFFICER, full_name="Ngô Thuế")
        self.stranger = officer(self.foreign, Role.PROCESSING_OFFICER, full_name="Người Xã Khác")
        Membership.objects.filter(user__in=[self.first, self.second]).update(unit=UNIT)
        Membership.objects.filter(user=self.outsider).update(unit="Văn thư")
        Membership.objects.update(started_at=at(2020, 1, 1))

    def received(self, when: datetime | None = None) -> Dossier:
        """Submitted online and accepted at ``when`` (a Monday 9:00 by default)."""
        with time_machine.travel(when or at(2026, 3, 9, 9, 0), tick=False):
            dossier = services.start_draft(self.procedure, applicant=self.citizen)
            services.submit(dossier, by=self.citizen)
            services.accept(dossier, by=self.clerk)
        dossier.refresh_from_db()
        return dossier


@pytest.fixture
def world(db) -> World:
    return World()


def travel(when: datetime):
    return time_machine.travel(when, tick=False)


def step_of(dossier: Dossier) -> DossierStep:
    dossier.refresh_from_db()
    assert dossier.current_step is not None
    return dossier.current_step


# -- the move to processing ------------------------------------------------------------------


def test_accept_moves_the_dossier_to_processing_and_opens_the_first_step(world):
    dossier = world.received()
    assert dossier.state == State.PROCESSING
    assert dossier.processing_agency == world.agency
    assert dossier.processing_due_at == at(2026, 3, 13, 17, 30)  # 4 working days
    events = list(dossier.events.values_list("transition", "actor_kind", "to_state"))
    assert events[-2:] == [("accept", "officer", State.RECEIVED),
                           ("start_processing", "system", State.PROCESSING)]
    step = step_of(dossier)
    assert (step.order, step.name, step.unit, step.agency) == (1, "Thẩm định", UNIT, world.agency)
    assert step.budget_seconds == 8 * 3600  # 1 working day = 8 working hours
    assert step.started_at == at(2026, 3, 9, 9, 0)
    assert step.due_at == at(2026, 3, 10, 9, 0)  # 6.5 h on Monday + 1.5 h on Tuesday
    assert step.assignee is None and step.finished_at is None
    start = dossier.events.get(transition="start_processing")
    assert start.data["step"] == step.pk and start.data["to_unit"] == UNIT


def test_counter_intake_moves_to_processing_too(world):
    with travel(at(2026, 3, 9, 9, 0)):
        dossier = services.start_draft(world.procedure, applicant=None, channel="counter",
                                       applicant_name="Trần Văn Bình")
        services.register_at_counter(dossier, by=world.clerk)
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING and dossier.current_step.name == "Thẩm định"


def test_without_a_process_one_step_holds_the_whole_legal_period(world):
    world.process.is_active = False
    world.process.save()
    dossier = world.received()
    step = step_of(dossier)
    assert step.name == processing.IMPLICIT_STEP_NAME and step.process_step is None
    assert step.due_at == dossier.processing_due_at == at(2026, 3, 13, 17, 30)
    # the rest of Monday (6.5 h, the day of receipt is not counted) and four full days
    assert step.budget_seconds == int((6.5 + 4 * 8) * 3600)
    assert dossier.processing_agency == world.agency


def test_the_receiving_agencys_process_is_preferred_then_the_owners(world):
    counter_agency = AgencyFactory(name="Trung tâm Phục vụ hành chính công")
    world.procedure.receiving_agencies.add(counter_agency)
    own = InternalProcess.objects.create(procedure=world.procedure, agency=counter_agency)
    probe = Dossier(procedure=world.procedure, receiving_agency=counter_agency)
    assert processing.choose_process(probe) == own
    own.is_active = False
    own.save()
    assert processing.choose_process(probe) == world.process  # the owner agency's
    world.process.is_active = False
    world.process.save()
    third = InternalProcess.objects.create(procedure=world.procedure, agency=AgencyFactory())
    assert processing.choose_process(probe) == third  # the first active one
    third.delete()
    assert processing.choose_process(probe) is None


# -- assigning -------------------------------------------------------------------------------


def test_the_leader_assigns_within_the_unit_and_an_officer_may_take_an_open_step(world):
    dossier = world.received()
    with travel(at(2026, 3, 9, 10, 0)):
        with pytest.raises(services.DossierError, match=r"lãnh đạo|Chỉ"):
            processing.assign_step(dossier, by=world.second, assignee=world.first)
        with pytest.raises(services.DossierError):  # another unit cannot handle it
            processing.assign_step(dossier, by=world.leader, assignee=world.outsider)
        with pytest.raises(services.DossierError):  # nor a foreign officer
            processing.assign_step(dossier, by=world.stranger, assignee=world.stranger)
        with pytest.raises(services.DossierError):  # the outsider cannot take it himself
            processing.assign_step(dossier, by=world.outsider, assignee=world.outsider)
        processing.assign_step(dossier, by=world.leader, assignee=world.first)
    step = step_of(dossier)
    assert (step.assignee, step.assigned_by) == (world.first, world.leader)
    event = dossier.events.get(transition="assign_step")
    assert event.data["step"] == step.pk and event.data["assignee"] == world.first.pk
    assert event.data["from_unit"] == event.data["to_unit"] == UNIT
    with travel(at(2026, 3, 9, 10, 5)), pytest.raises(services.DossierError):
        processing.assign_step(dossier, by=world.second, assignee=world.second)


def test_the_head_of_the_unit_assigns_its_steps_and_no_other_units(world):
    """D5: "a person picked by the unit's lead" — a processing officer heading the step's unit
    (``Membership.leads_unit``) assigns and reassigns within it; heading another unit, or
    merely belonging to the unit, is not enough."""
    head = officer(world.agency, Role.PROCESSING_OFFICER, full_name="Trưởng Phòng")
    Membership.objects.filter(user=head).update(unit=UNIT, leads_unit=True,
                                                started_at=at(2020, 1, 1))
    Membership.objects.filter(user=world.outsider).update(leads_unit=True)  # heads "Văn thư"
    dossier = world.received()
    with travel(at(2026, 3, 9, 10, 0)):
        with pytest.raises(services.DossierError):
            processing.assign_step(dossier, by=world.outsider, assignee=world.first)
        with pytest.raises(services.DossierError):  # a member of the unit, not its head
            processing.assign_step(dossier, by=world.second, assignee=world.first)
        with pytest.raises(services.DossierError):  # only people of the unit
            processing.assign_step(dossier, by=head, assignee=world.outsider)
        processing.assign_step(dossier, by=head, assignee=world.first)
        processing.assign_step(dossier, by=head, assignee=world.second)  # reassigned
    step = step_of(dossier)
    assert (step.assignee, step.assigned_by) == (world.second, head)
    assert processing.may_assign(head, step) and not processing.may_assign(world.second, step)


def test_a_unit_lead_needs_a_processing_role_and_a_unit():
    from django.core.exceptions import ValidationError

    lead = Membership(role=Role.INTAKE_OFFICER, unit="Bộ phận Một cửa", leads_unit=True)
    with pytest.raises(ValidationError) as error:
        lead.clean()
    assert "leads_unit" in error.value.message_dict
    with pytest.raises(ValidationError):
        Membership(role=Role.PROCESSING_OFFICER, unit=" ", leads_unit=True).clean()
    Membership(role=Role.PROCESSING_OFFICER, unit=UNIT, leads_unit=True).clean()


def test_only_the_assignee_or_a_leader_acts_on_a_held_step(world):
    dossier = world.received()
    processing.assign_step(dossier, by=world.first, assignee=world.first)  # taken
    for other in (world.second, world.outsider, world.clerk, world.stranger, world.taxman):
        with pytest.raises(services.DossierError):
            processing.complete_step(dossier, by=other)
    assert step_of(dossier).order == 1
    processing.complete_step(dossier, by=world.leader)  # leaders may act on any step
    assert step_of(dossier).order == 2


def test_an_unassigned_step_can_be_completed_by_an_officer_of_its_unit_only(world):
    dossier = world.received()
    with pytest.raises(services.DossierError, match=r"người khác|xử lý"):
        processing.complete_step(dossier, by=world.outsider)
    processing.complete_step(dossier, by=world.second)
    assert step_of(dossier).order == 2


# -- the step flow ---------------------------------------------------------------------------


def test_full_flow_with_an_inter_agency_step(world):
    dossier = world.received()
    with travel(at(2026, 3, 9, 14, 0)):
        processing.assign_step(dossier, by=world.first, assignee=world.first)
        processing.complete_step(dossier, by=world.first, note="Hồ sơ hợp lệ")
    step = step_of(dossier)
    assert (step.order, step.agency, step.is_inter_agency) == (2, world.agency, True)
    assert step.due_at == at(2026, 3, 11, 14, 0)  # 16 working hours from Monday 14:00
    with travel(at(2026, 3, 9, 15, 0)):
        with pytest.raises(services.DossierError, match=r"liên thông|chuyển"):
            processing.complete_step(dossier, by=world.first)  # must go to B first
        with pytest.raises(services.DossierError):
            processing.return_step(dossier, by=world.first)  # not held by another agency
        processing.assign_step(dossier, by=world.first, assignee=world.first)
        processing.forward_step(dossier, by=world.first, note="Đề nghị xác định nghĩa vụ thuế")
    there = step_of(dossier)
    assert (there.agency, there.order, there.due_at) == (world.partner, 2, step.due_at)
    assert there.assignee is None and there.unit == ""
    forwarded = dossier.events.get(transition="forward_step")
    assert forwarded.data["to_unit"] == world.partner.name
    assert forwarded.data["from_unit"] == UNIT
    with travel(at(2026, 3, 10, 9, 0)):
        for outsider in (world.first, world.stranger):  # A's officers cannot act for B
            with pytest.raises(services.DossierError):
                processing.return_step(dossier, by=outsider)
        with pytest.raises(services.DossierError):  # B hands back, it does not complete
            processing.complete_step(dossier, by=world.taxman)
        processing.return_step(dossier, by=world.taxman, note="Đã xác định")
    back = step_of(dossier)
    assert (back.agency, back.order, back.assignee) == (world.agency, 2, world.first)
    returned = dossier.events.get(transition="return_step")
    assert returned.data["punctuality"] == "early"  # due Wednesday, back on Tuesday
    with travel(at(2026, 3, 10, 10, 0)):
        processing.complete_step(dossier, by=world.first)
    last = step_of(dossier)
    assert (last.order, last.unit) == (3, "Lãnh đạo")
    assert not processing.ready_to_settle(dossier)
    with travel(at(2026, 3, 10, 11, 0)):
        processing.complete_step(dossier, by=world.leader)
    dossier.refresh_from_db()
    assert dossier.current_step is None and dossier.state == State.PROCESSING
    assert processing.ready_to_settle(dossier)
    assert not dossier.steps.filter(finished_at__isnull=True).exists()
    with pytest.raises(services.DossierError, match="không còn bước"):
        processing.complete_step(dossier, by=world.leader)
    done = dossier.events.filter(transition="complete_step").last()
    assert done.data["to_unit"] == "" and done.data["next_step"] is None


def test_send_back_needs_a_reason_and_a_previous_step(world):
    dossier = world.received()
    processing.assign_step(dossier, by=world.first, assignee=world.first)
    with pytest.raises(services.DossierError, match="lý do"):
        processing.send_back_step(dossier, by=world.first, reason="  ")
    with pytest.raises(services.DossierError, match="trước"):
        processing.send_back_step(dossier, by=world.first, reason="Sai")
    processing.complete_step(dossier, by=world.first)
    processing.assign_step(dossier, by=world.leader, assignee=world.second)
    processing.send_back_step(dossier, by=world.second, reason="Thiếu biên bản thẩm định")
    back = step_of(dossier)
    assert (back.order, back.assignee) == (1, world.first)  # to whoever did it
    sent = dossier.steps.get(outcome=DossierStep.Outcome.SENT_BACK)
    assert sent.order == 2 and sent.note == "Thiếu biên bản thẩm định"
    event = dossier.events.get(transition="send_back_step")
    assert event.reason == "Thiếu biên bản thẩm định" and event.data["to_unit"] == UNIT


def test_step_actions_need_the_processing_state(world):
    dossier = world.received()
    processing.ask_supplement(dossier, by=world.first, missing=["Bản sao sổ đỏ"])
    with pytest.raises(services.DossierError, match=r"chờ bổ sung|không thể thực hiện"):
        processing.complete_step(dossier, by=world.leader)
    with pytest.raises(services.DossierError):
        processing.assign_step(dossier, by=world.leader, assignee=world.first)


def test_control_slip_rows_say_early_on_time_and_late(world):
    dossier = world.received()  # step 1 due Tuesday 9:00
    with travel(at(2026, 3, 10, 8, 0)):  # on the due day
        processing.complete_step(dossier, by=world.first)
    with travel(at(2026, 3, 10, 8, 30)):  # step 2 due Thursday: two days early
        processing.forward_step(dossier, by=world.first)
    with travel(at(2026, 3, 13, 9, 0)):  # late
        processing.return_step(dossier, by=world.taxman)
    rows = control_slip.rows(dossier)
    assert [r.punctuality for r in rows if r.punctuality] == ["on_time", "early", "late"]
    labels = [r.punctuality_label for r in rows if r.punctuality]
    assert labels == ["Đúng hạn", "Trước hạn", "Quá hạn"]
    assert rows[0].from_unit and rows[0].to_unit == UNIT  # the one-stop hands over
    assert rows[-1].from_unit == world.partner.name and rows[-1].to_unit == UNIT
    html = control_slip.render_html(dossier)
    assert "PHIẾU KIỂM SOÁT" in html.upper() and dossier.code in html
    assert html.count('data-testid="slip-row"') == len(rows)


def test_punctuality_by_day():
    due = at(2026, 3, 10, 9, 0)
    assert processing.punctuality(at(2026, 3, 9, 16, 0), due) == "early"
    assert processing.punctuality(at(2026, 3, 10, 7, 45), due) == "on_time"
    assert processing.punctuality(due, due) == "on_time"
    assert processing.punctuality(at(2026, 3, 10, 9, 1), due) == "late"


# -- stop and withdrawal ---------------------------------------------------------------------


def test_stop_needs_a_reason_an_officer_of_the_processing_agency_and_no_result(world):
    dossier = world.received()
    with pytest.raises(services.DossierError, match="lý do"):
        processing.stop(dossier, by=world.first, reason="")
    for other in (world.stranger, world.clerk, world.citizen):
        with pytest.raises(services.DossierError):
            processing.stop(dossier, by=other, reason="Không đủ điều kiện")
    result = DossierResult.objects.create(dossier=dossier, title="Giấy chứng nhận",
                                          file="dossiers/x/results/a.pdf")
    with pytest.raises(services.DossierError, match="kết quả"):
        processing.stop(dossier, by=world.first, reason="Không đủ điều kiện")
    result.delete()
    with travel(at(2026, 3, 9, 15, 0)):
        processing.stop(dossier, by=world.first, reason="Không đủ điều kiện")
    dossier.refresh_from_db()
    assert dossier.state == State.STOPPED and dossier.closed_at == at(2026, 3, 9, 15, 0)
    assert dossier.current_step is None
    assert dossier.steps.get().outcome == DossierStep.Outcome.CANCELLED
    notice = DossierDocument.objects.get(dossier=dossier, kind="stop_notice")
    assert notice.event.transition == "stop"
    with pytest.raises(services.DossierError):  # final
        processing.stop(dossier, by=world.first, reason="lần nữa")


def test_withdrawal_during_processing_issues_the_stop_notice_unless_a_result_exists(world):
    dossier = world.received()
    processing.ask_supplement(dossier, by=world.first, missing=["Tờ khai"])
    with pytest.raises(services.DossierError):
        services.withdraw(dossier, by=world.first, reason="x")  # only the applicant
    DossierResult.objects.create(dossier=dossier, title="Kết quả",
                                 file="dossiers/x/results/a.pdf")
    with pytest.raises(services.DossierError, match="kết quả"):
        services.withdraw(dossier, by=world.citizen, reason="Không còn nhu cầu")
    DossierResult.objects.filter(dossier=dossier).delete()
    services.withdraw(dossier, by=world.citizen, reason="Không còn nhu cầu")
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN and dossier.paused_since is None
    assert dossier.current_step is None
    assert DossierDocument.objects.filter(dossier=dossier, kind="stop_notice").count() == 1


def test_withdrawal_before_intake_issues_no_stop_notice(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    services.submit(dossier, by=world.citizen)
    services.withdraw(dossier, by=world.citizen, reason="Nộp nhầm")
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN
    assert not DossierDocument.objects.filter(dossier=dossier).exists()


def test_documents_render_in_vietnamese(world):
    from dossiers.documents.render import render_html

    dossier = world.received()
    processing.stop(dossier, by=world.first, reason="Hồ sơ giả mạo")
    html = render_html(DossierDocument.objects.get(kind="stop_notice"))
    assert "THÔNG BÁO DỪNG" in html.upper() and "Hồ sơ giả mạo" in html


def test_membership_without_unit_is_agency_wide(world):
    wide = officer(world.agency, Role.PROCESSING_OFFICER, full_name="Chuyên viên chung")
    Membership.objects.filter(user=wide).update(started_at=at(2020, 1, 1))
    dossier = world.received()
    assert processing.may_take(wide, step_of(dossier))
    MembershipFactory  # noqa: B018 - imported for other modules' worlds
