"""D2 in Chromium: an intake officer opens the queue on Monday morning, finds the dossier submitted
on Friday evening with its Monday 17:30 deadline, asks to complete it with two defects and, once
the applicant has completed it, receives it."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Page, expect

from dossiers import services
from dossiers.models import Dossier
from dossiers.states import State
from tests.dossiers.test_intake_queue import World, at
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_asks_to_complete_then_receives(live_server, page: Page):
    world = World()
    dossier = world.submitted(at(2026, 3, 6, 19, 0), name="Nguyễn Văn An")  # Friday evening
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=True):  # Monday morning
        page.goto(live_server.url + "/tai-khoan/dang-nhap/?next=/mot-cua/")
        page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(world.clerk.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.goto(live_server.url + "/mot-cua/")
        expect(page.get_by_test_id("queue-title")).to_have_text("Hồ sơ chờ tiếp nhận")
        row = page.locator(f'[data-testid="queue-row"][data-code="{dossier.code}"]')
        expect(row.get_by_test_id("intake-due")).to_have_text("17:30 09/03/2026")
        expect(row.get_by_test_id("badge")).to_contain_text("còn 7 giờ")
        expect(row.get_by_test_id("badge")).to_contain_text("làm việc")
        expect(page.get_by_test_id("count-on_time")).to_have_text("Còn hạn: 1")

        row.get_by_role("link", name=dossier.code).click()
        expect(page.get_by_test_id("dossier-code")).to_have_text(dossier.code)
        page.get_by_label("Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung)").fill(
            "Thiếu bản sao giấy chứng sinh\nTờ khai chưa ký")
        page.get_by_test_id("ask-to-complete").click()
        expect(page.get_by_text("Đã gửi yêu cầu bổ sung, hoàn thiện hồ sơ")).to_be_visible()
        expect(page.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                       "incomplete")
        history = page.get_by_test_id("history")
        expect(history.get_by_text("Thiếu bản sao giấy chứng sinh")).to_be_visible()
        expect(history.get_by_text("Tờ khai chưa ký")).to_be_visible()
        expect(page.get_by_test_id("accept")).to_have_count(0)

        services.resubmit(Dossier.objects.get(pk=dossier.pk), by=world.citizen)
        page.reload()
        expect(page.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                       "submitted")
        page.get_by_test_id("accept").click()
        expect(page.get_by_text("Đã tiếp nhận hồ sơ; giấy tiếp nhận đang được phát hành."))\
            .to_be_visible()
        expect(page.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                       "processing")
        expect(page.get_by_test_id("result-due")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).state == State.PROCESSING
