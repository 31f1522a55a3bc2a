"""D5, D6 in Chromium: a processing officer takes the first step and completes it, the next step
opens; he asks the applicant to supplement — the applicant sees the stopped clock and what is
missing, uploads the paper — and the officer sees the clock running again with the step's due
time moved by the working time waited."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from dossiers.models import Dossier, DossierStep
from dossiers.states import State
from procedures.models import DossierComponent
from tests.dossiers.test_end_to_end_browser import sign_in
from tests.dossiers.test_processing import World, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_step_flow_and_supplement_with_the_clock(live_server, browser: Browser):
    world = World()
    component = DossierComponent.objects.create(procedure=world.procedure, order=1,
                                                name="Bản sao giấy chứng nhận")
    dossier = world.received(at(2026, 3, 9, 9, 0))  # Monday 9:00, step 1 due Tuesday 9:00
    base = live_server.url
    officer = browser.new_context(locale="vi-VN").new_page()
    citizen = browser.new_context(locale="vi-VN").new_page()

    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=True):
        sign_in(officer, base, world.first.username)
        officer.goto(f"{base}/xu-ly/")
        expect(officer.get_by_test_id("processing-title")).to_have_text("Hồ sơ cần xử lý")
        row = officer.locator(f'[data-testid="step-row"][data-code="{dossier.code}"]')
        expect(row.get_by_test_id("badge")).to_contain_text("còn 6 giờ")
        expect(row.get_by_test_id("badge")).to_contain_text("làm việc")
        expect(row.get_by_test_id("assignee")).to_have_text("chưa phân công")
        row.get_by_role("link", name=dossier.code).click()
        expect(officer.get_by_test_id("current-step")).to_contain_text("Thẩm định")
        officer.get_by_test_id("take").click()
        expect(officer.get_by_test_id("step-assignee")).to_have_text(world.first.get_full_name())
        officer.get_by_test_id("complete").click()
        expect(officer.get_by_test_id("current-step")).to_contain_text("Liên thông thuế")
        expect(officer.get_by_test_id("forward")).to_be_visible()
        officer.get_by_label("nội dung cần bổ sung (mỗi dòng một mục)").fill(
            "Bản sao giấy chứng nhận có chứng thực")
        officer.get_by_test_id("ask-supplement").click()
        expect(officer.get_by_test_id("clock")).to_have_attribute("data-clock", "stopped")
        expect(officer.get_by_test_id("clock")).to_contain_text("đang tạm dừng")
    step = DossierStep.objects.get(dossier=dossier, finished_at__isnull=True)
    due_before = step.due_at

    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=True):  # Tuesday, 7 working hours on
        sign_in(citizen, base, world.citizen.username)
        citizen.goto(f"{base}/ho-so/cua-toi/{dossier.pk}/")
        expect(citizen.get_by_test_id("clock")).to_have_attribute("data-clock", "stopped")
        expect(citizen.get_by_test_id("missing")).to_contain_text(
            "Bản sao giấy chứng nhận có chứng thực")
        citizen.get_by_label("Giấy tờ").select_option(str(component.pk))
        citizen.get_by_label("Tệp (PDF, JPEG hoặc PNG)").set_input_files(
            {"name": "chung-thuc.pdf", "mimeType": "application/pdf", "buffer": PDF})
        citizen.get_by_test_id("send-supplement").click()
        expect(citizen.get_by_text("Đã gửi hồ sơ bổ sung")).to_be_visible()
        expect(citizen.get_by_test_id("clock")).to_have_attribute("data-clock", "running")

        sign_in(officer, base, world.first.username)  # the session of Monday has expired
        officer.goto(f"{base}/xu-ly/ho-so/{dossier.pk}/")
        expect(officer.get_by_test_id("clock")).to_have_attribute("data-clock", "running")
        expect(officer.get_by_test_id("files")).to_contain_text("chung-thuc.pdf")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == State.PROCESSING
    # Monday 10:00 → Tuesday 9:00: 1.5 + 4 + 1.5 working hours (the clocks ticked meanwhile)
    assert abs(dossier.paused_seconds - 7 * 3600) < 600
    step.refresh_from_db()
    assert (step.due_at - due_before).total_seconds() > 0  # moved by the time waited
