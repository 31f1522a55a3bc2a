"""K1-K3 in Chromium: an anonymous citizen sends feedback with an attachment; the province
operator classifies and assigns it; the agency's one-stop officer answers; the leader publishes;
the public page shows the answer without any personal data; an overdue item shows as late."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback import services
from feedback.models import Channel, Feedback, State
from tests.factories import PASSWORD

from .conftest import PDF, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENDER = {"sender_name": "Trần Thị Bích Ngọc", "sender_phone": "0912000111",
          "sender_email": "ngoc.tran@example.vn",
          "sender_address": "12 phố Lê Lợi, phường Hạc Thành"}


def sign_in(page: Page, base: str, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"**{next_url}")


def test_feedback_from_citizen_to_published_answer(live_server, page: Page, tmp_path: Path):
    world = make_world()
    # an older item, received by phone 40 days ago and never answered: late
    received = timezone.now() - timedelta(days=40)
    old = services.enter_by_staff(by=world.clerk, agency=world.justice,
                                  channel=Channel.HOTLINE, received_at=received,
                                  title="Phản ánh cũ qua điện thoại", content="Chưa trả lời",
                                  sender_name="Lê Văn Cũ", sender_phone="0900000009")
    base = live_server.url

    # 1. the anonymous citizen
    attachment = tmp_path / "don-phan-anh.pdf"
    attachment.write_bytes(PDF)
    page.goto(f"{base}/phan-anh/")
    expect(page.get_by_test_id("feedback-title")).to_have_text("Phản ánh, kiến nghị")
    form = page.get_by_test_id("feedback-form")
    for name, value in SENDER.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator('[name="title"]').fill("Chậm trả kết quả khai sinh")
    form.locator('[name="content"]').fill("Hồ sơ khai sinh của con tôi đã quá hạn 5 ngày.")
    form.locator('[name="files"]').set_input_files(str(attachment))
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("feedback-sent")).to_be_visible()
    code = page.get_by_test_id("feedback-code").inner_text().strip()
    item = Feedback.objects.get(code=code)
    assert item.attachments.get().original_name == "don-phan-anh.pdf"

    # 2. the province operator classifies and assigns
    sign_in(page, base, "vanhanh", "/phan-anh/xu-ly/")
    queue = page.get_by_test_id("feedback-queue")
    late_row = queue.locator(f'[data-testid="feedback-row"][data-code="{old.code}"]')
    expect(late_row.get_by_test_id("late")).to_be_visible()
    expect(late_row.get_by_test_id("remaining")).to_contain_text("quá hạn")
    expect(late_row.get_by_test_id("late-entry")).to_be_visible()
    queue.get_by_role("link", name=code).click()
    expect(page.get_by_test_id("item-code")).to_contain_text(code)
    expect(page.get_by_test_id("attachment")).to_have_text("don-phan-anh.pdf")
    page.get_by_test_id("classify-form").locator('[name="category"]').select_option("dossier")
    page.get_by_test_id("classify").click()
    expect(page.get_by_test_id("item-state")).to_have_attribute("data-state", "classified")
    page.get_by_test_id("assign-form").locator('[name="agency"]').select_option(
        str(world.justice.pk))
    page.get_by_test_id("assign").click()
    expect(page.get_by_test_id("item-state")).to_have_attribute("data-state", "assigned")
    expect(page.get_by_test_id("agency")).to_have_text("Sở Tư pháp")

    # 3. the agency's one-stop officer answers
    sign_in(page, base, "motcua", "/phan-anh/xu-ly/")
    page.get_by_test_id("feedback-queue").get_by_role("link", name=code).click()
    page.get_by_test_id("answer-form").locator('[name="text"]').fill(
        "Sở Tư pháp đã trả kết quả khai sinh; xin lỗi vì sự chậm trễ.")
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("item-state")).to_have_attribute("data-state", "answered")
    expect(page.get_by_test_id("publish")).to_have_count(0)  # the leader publishes

    # 4. the leader publishes
    sign_in(page, base, "lanhdao", f"/phan-anh/xu-ly/{item.pk}/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("item-state")).to_have_attribute("data-state", "published")

    # 5. the public page: question, answer, agency, dates, no personal data
    page.context.clear_cookies()
    page.goto(f"{base}/phan-anh/cong-khai/?q=cham tra ket qua")
    expect(page.get_by_test_id("public-item")).to_have_count(1)
    page.get_by_role("link", name="Chậm trả kết quả khai sinh").click()
    expect(page.get_by_test_id("public-answer")).to_contain_text("đã trả kết quả khai sinh")
    expect(page.get_by_test_id("public-detail")).to_contain_text("Sở Tư pháp")
    html = page.content()
    for value in SENDER.values():
        assert value not in html
    assert Feedback.objects.get(pk=item.pk).state == State.PUBLISHED
