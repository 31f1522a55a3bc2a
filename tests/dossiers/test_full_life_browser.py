"""Issue 5's scenario in Chromium: the full life of one dossier — accepted at the counter's
queue, step 1 taken, a supplementation (the clock visibly stops, then runs again), step 1 done,
step 2 forwarded to another agency and handed back, step 3 (the leader's) late with the apology
and new appointment, the result generated, digitally signed and validated, the dossier settled
and the result delivered online — then the citizen downloads it, finds it in the data warehouse
and reuses it in a second dossier.

Driven through the pages except the submission (issue 4's browser test covers it), which is a
service call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from archive.models import WarehouseItem
from dossiers import services
from dossiers.models import Dossier, DossierEvent, DossierFile
from dossiers.states import State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.signing.services import create_authority, issue_certificate, validate
from procedures.models import DossierComponent, InternalProcess, ProcessStep, TimeUnit
from procedures.services import publish
from tests.factories import PASSWORD, AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT = "Bộ phận chuyên môn"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class World:
    """Agency A processes a procedure of three steps (the second inter-agency with B): 8 + 16 +
    8 working hours = 4 working days. The leader of A holds a signing certificate."""

    def __init__(self) -> None:
        self.agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành")
        self.partner = AgencyFactory(name="Chi cục Thuế khu vực")
        self.procedure = ProcedureFactory(owner_agency=self.agency, processing_time=Decimal(4),
                                          processing_unit=TimeUnit.WORKING_DAYS,
                                          name="Cấp giấy chứng nhận")
        self.procedure.receiving_agencies.add(self.agency)
        self.component = DossierComponent.objects.create(
            procedure=self.procedure, order=1, name="Giấy chứng nhận cũ", copies=1)
        process = InternalProcess.objects.create(procedure=self.procedure, agency=self.agency)
        for order, name, unit, role, hours, other in (
                (1, "Thẩm định", UNIT, "processing", 8, None),
                (2, "Liên thông thuế", UNIT, "processing", 16, self.partner),
                (3, "Phê duyệt", "Lãnh đạo", "leader", 8, None)):
            ProcessStep.objects.create(process=process, order=order, name=name, unit=unit,
                                       role=role, budget=Decimal(hours),
                                       budget_unit=TimeUnit.WORKING_HOURS, other_agency=other)
        publish(self.procedure)
        self.citizen = UserFactory(username="an", personal_id="038090001234",
                                   full_name="Nguyễn Văn An", email="an@example.vn")
        self.clerk = officer(self.agency, Role.INTAKE_OFFICER, full_name="Trần Thị Một Cửa")
        self.first = officer(self.agency, Role.PROCESSING_OFFICER, full_name="Lê Văn Thẩm")
        self.leader = officer(self.agency, Role.AGENCY_LEADER, full_name="Hoàng Chủ Tịch")
        self.taxman = officer(self.partner, Role.PROCESSING_OFFICER, full_name="Ngô Thuế")
        Membership.objects.filter(user=self.first).update(unit=UNIT)
        Membership.objects.update(started_at=at(2020, 1, 1))
        with time_machine.travel(at(2026, 1, 2, 9, 0), tick=False):  # valid before the story
            authority = create_authority("CA thử nghiệm tỉnh")
            issue_certificate(self.leader, self.agency, authority)


@contextmanager
def signed_in(browser: Browser, base: str, username: str) -> Iterator[Page]:
    """A fresh browser context signed in as ``username`` (sessions last 8 hours: each time jump
    signs in again)."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("who")).to_be_visible()
    try:
        yield page
    finally:
        context.close()


def travel(when: datetime):
    return time_machine.travel(when, tick=True)


def test_full_life_of_a_dossier(live_server, browser: Browser):
    world = World()
    base = live_server.url

    # Monday 9:00: submitted online (issue 4's pages), received from the one-stop queue.
    with travel(at(2026, 3, 9, 9, 0)):
        dossier = services.start_draft(world.procedure, applicant=world.citizen)
        services.submit(dossier, by=world.citizen)
        with signed_in(browser, base, world.clerk.username) as clerk:
            clerk.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
            clerk.get_by_test_id("accept").click()
            expect(clerk.get_by_test_id("dossier-state")).not_to_have_attribute(
                "data-state", "submitted")
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    page_url = f"{base}/xu-ly/ho-so/{dossier.pk}/"

    # Monday 10:00: the officer takes step 1 and asks to supplement: the clock stops.
    with travel(at(2026, 3, 9, 10, 0)), signed_in(browser, base, world.first.username) as first:
        first.goto(page_url)
        expect(first.get_by_test_id("current-step")).to_contain_text("Thẩm định")
        first.get_by_test_id("take").click()
        expect(first.get_by_test_id("step-assignee")).to_have_text("Lê Văn Thẩm")
        form = first.locator("form[action$='/yeu-cau-bo-sung/']")
        form.locator("textarea[name=missing]").fill("Bản sao giấy chứng nhận cũ có chứng thực")
        first.get_by_test_id("ask-supplement").click()
        expect(first.get_by_test_id("clock")).to_have_attribute("data-clock", "stopped")
        expect(first.get_by_test_id("missing")).to_contain_text("chứng thực")
        due_while_stopped = first.get_by_test_id("result-due").inner_text()

    # Tuesday 10:00: the citizen sees the stopped clock and what is missing, and supplements.
    with travel(at(2026, 3, 10, 10, 0)), signed_in(browser, base,
                                                   world.citizen.username) as citizen:
        citizen.goto(f"{base}/ho-so/cua-toi/{dossier.pk}/")
        expect(citizen.get_by_test_id("missing")).to_contain_text("chứng thực")
        citizen.locator("#supplement-files").set_input_files(
            {"name": "chung-thuc.pdf", "mimeType": "application/pdf",
             "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"})
        citizen.locator("#supplement-note").fill("Đã gửi bản sao có chứng thực")
        citizen.get_by_test_id("send-supplement").click()
        expect(citizen.get_by_test_id("supplement-request")).to_have_count(0)
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert dossier.files.filter(original_name="chung-thuc.pdf").exists()
    # Tuesday 10:30: the clock runs again, the due time moved by the stopped working time;
    # step 1 done, step 2 forwarded to the tax office.
    with travel(at(2026, 3, 10, 10, 30)), signed_in(browser, base,
                                                     world.first.username) as first:
        first.goto(page_url)
        expect(first.get_by_test_id("clock")).to_have_attribute("data-clock", "running")
        assert first.get_by_test_id("result-due").inner_text() != due_while_stopped
        first.get_by_test_id("complete").click()
        expect(first.get_by_test_id("current-step")).to_contain_text("Liên thông thuế")
        first.get_by_test_id("take").click()
        first.get_by_test_id("forward").click()
        expect(first.get_by_test_id("current-step")).to_contain_text("Chi cục Thuế khu vực")

    # Tuesday 14:00: the tax office takes the inter-agency step and hands it back.
    with travel(at(2026, 3, 10, 14, 0)), signed_in(browser, base,
                                                   world.taxman.username) as taxman:
        taxman.goto(page_url)
        taxman.get_by_test_id("take").click()
        taxman.get_by_test_id("return").click()

    # Tuesday 15:00: step 2 done at home; step 3 (the leader's) opens.
    with travel(at(2026, 3, 10, 15, 0)), signed_in(browser, base,
                                                   world.first.username) as first:
        first.goto(page_url)
        expect(first.get_by_test_id("current-step")).to_contain_text("Liên thông thuế")
        expect(first.get_by_test_id("current-step")).to_contain_text("UBND phường Hạc Thành")
        first.get_by_test_id("complete").click()
        expect(first.get_by_test_id("current-step")).to_contain_text("Phê duyệt")

    # Wednesday 10:00: the leader sees it will be late: apology and new appointment.
    with travel(at(2026, 3, 11, 10, 0)), signed_in(browser, base,
                                                   world.leader.username) as leader:
        leader.goto(page_url)
        form = leader.locator("form[action$='/xin-loi/']")
        form.locator("textarea[name=reason]").fill("Cần xác minh thêm với cơ quan thuế")
        form.locator("input[name=new_due_at]").fill("2026-03-20T16:00")
        leader.get_by_test_id("apologise").click()
        expect(leader.get_by_test_id("new-appointment")).to_have_text("16:00 20/03/2026")

    # Thursday 10:00: the leader finishes step 3 late, prepares, signs and settles the result.
    with travel(at(2026, 3, 12, 10, 0)), signed_in(browser, base,
                                                   world.leader.username) as leader:
        leader.goto(page_url)
        leader.get_by_test_id("complete").click()
        expect(leader.get_by_test_id("ready-to-settle")).to_be_visible()
        leader.get_by_test_id("results-panel-link").click()
        prepare = leader.get_by_test_id("prepare-form")
        prepare.locator("[name=title]").fill("Giấy chứng nhận")
        prepare.locator("[name=number]").fill("15/GCN")
        prepare.locator("[name=content]").fill("Chứng nhận ông Nguyễn Văn An.")
        leader.get_by_test_id("prepare-submit").click()
        expect(leader.get_by_test_id("result-unsigned")).to_be_visible()
        leader.get_by_test_id("sign-submit").click()
        signature = leader.get_by_test_id("signature")
        expect(signature).to_have_attribute("data-valid", "true")
        expect(leader.get_by_test_id("signature-signer")).to_have_text("Hoàng Chủ Tịch")
        leader.get_by_test_id("settle-submit").click()
        expect(leader.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                         "returned")
        expect(leader.get_by_test_id("hand-over-how")).to_have_text("trực tuyến")
    dossier.refresh_from_db()
    assert dossier.settled_at and dossier.returned_at and dossier.apologised_at
    late = DossierEvent.objects.get(dossier=dossier, transition="complete_step",
                                    data__step_name="Phê duyệt")
    assert late.data["punctuality"] == "late"
    assert DossierEvent.objects.filter(dossier=dossier, transition="forward_step").exists()
    assert DossierEvent.objects.filter(dossier=dossier, transition="return_step").exists()

    # Thursday 10:30: the citizen downloads the signed result, finds it in the warehouse and
    # reuses it in a second dossier.
    with travel(at(2026, 3, 12, 10, 30)), signed_in(browser, base,
                                                    world.citizen.username) as citizen:
        citizen.goto(f"{base}/ho-so/cua-toi/{dossier.pk}/")
        link = citizen.get_by_test_id("result-download")
        response = citizen.request.get(base + link.get_attribute("href"))
        assert response.ok and response.body().startswith(b"%PDF-")
        report = validate(response.body())
        assert report.valid and report.signer == "Hoàng Chủ Tịch"
        citizen.goto(f"{base}/kho-du-lieu/")
        expect(citizen.get_by_test_id("warehouse")).to_contain_text("Giấy chứng nhận 15/GCN")
        citizen.goto(f"{base}/ho-so/nop/{world.procedure.national_code}/")
        citizen.get_by_test_id("start-submit").click()
        box = citizen.get_by_test_id("warehouse-reuse")
        expect(box).to_contain_text("Giấy chứng nhận 15/GCN")
        box.get_by_test_id("reuse-component").select_option(str(world.component.pk))
        box.get_by_test_id("reuse-submit").click()
        expect(citizen.get_by_test_id(f"files-{world.component.pk}")).to_contain_text(
            "Giấy chứng nhận 15/GCN")
    item = WarehouseItem.objects.get(owner_key="038090001234")
    copied = DossierFile.objects.exclude(dossier=dossier).get(reused=True)
    assert copied.source == f"warehouse:{item.pk}"
    assert Dossier.objects.get(pk=copied.dossier_id).state == State.DRAFT
