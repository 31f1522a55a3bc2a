"""Issue 4's scenario in Chromium: a citizen submits a dossier with two uploads on a Friday
evening; on Monday the officer sees it with the right deadline and asks to complete it; the
citizen completes it; the officer receives it; the citizen downloads the receipt and opens the
lookup page its QR code points to."""

from __future__ import annotations

import re
import subprocess
from urllib.parse import urlparse

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from dossiers.models import Dossier
from dossiers.states import State
from tests.dossiers.test_citizen_submission import PDF, PNG, make_world
from tests.dossiers.test_transitions import at
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("who")).to_be_visible()


def test_friday_evening_submission_to_receipt_and_lookup(live_server, browser: Browser):
    world = make_world()
    base = live_server.url
    citizen = browser.new_page(locale="vi-VN")
    clerk = browser.new_page(locale="vi-VN")

    with time_machine.travel(at(2026, 3, 6, 19, 0), tick=True):  # Friday evening
        sign_in(citizen, base, world.citizen.username)
        citizen.goto(f"{base}/ho-so/nop/{world.procedure.national_code}/")
        citizen.get_by_test_id("start-submit").click()
        citizen.get_by_label("Số bản đề nghị cấp").fill("1")
        citizen.get_by_test_id("eform-submit").click()
        expect(citizen.get_by_test_id("eform-saved")).to_be_visible()
        for component, name, content, mime in (
            (world.identity, "cccd.pdf", PDF, "application/pdf"),
            (world.request_letter, "uy-quyen.png", PNG, "image/png"),
        ):
            citizen.get_by_label(f"Tệp cho “{component.name}”").set_input_files(
                {"name": name, "mimeType": mime, "buffer": content})
            citizen.get_by_test_id(f"upload-{component.pk}").click()
            expect(citizen.get_by_test_id(f"files-{component.pk}")).to_contain_text(name)
        citizen.get_by_role("button", name="Nộp hồ sơ").click()
        expect(citizen.get_by_test_id("intake-due")).to_have_text("17:30 09/03/2026")
        code = citizen.get_by_test_id("dossier-code").inner_text()
    dossier = Dossier.objects.get(code=code)

    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=True):  # Monday morning
        sign_in(clerk, base, world.clerk.username)
        clerk.goto(f"{base}/mot-cua/")
        row = clerk.locator(f'[data-testid="queue-row"][data-code="{code}"]')
        expect(row.get_by_test_id("intake-due")).to_have_text("17:30 09/03/2026")
        row.get_by_role("link", name=code).click()
        clerk.get_by_label("Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung)").fill(
            "Giấy ủy quyền chưa có chữ ký\nẢnh chụp mờ")
        clerk.get_by_test_id("ask-to-complete").click()
        expect(clerk.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                        "incomplete")

    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=True):  # the citizen completes
        sign_in(citizen, base, world.citizen.username)  # Friday's session has expired (8 h)
        citizen.goto(f"{base}/ho-so/cua-toi/{dossier.pk}/")
        expect(citizen.get_by_test_id("defects")).to_contain_text("Ảnh chụp mờ")
        citizen.get_by_label(f"Tệp cho “{world.request_letter.name}”").set_input_files(
            {"name": "uy-quyen-da-ky.pdf", "mimeType": "application/pdf", "buffer": PDF})
        citizen.get_by_test_id(f"upload-{world.request_letter.pk}").click()
        citizen.get_by_test_id("resubmit").click()
        expect(citizen.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                          "submitted")

    with time_machine.travel(at(2026, 3, 9, 11, 0), tick=True):  # the officer receives it
        clerk.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
        clerk.get_by_test_id("accept").click()
        expect(clerk.get_by_test_id("dossier-state")).to_have_attribute("data-state",
                                                                        "processing")
    assert Dossier.objects.get(pk=dossier.pk).state == State.PROCESSING

    sign_in(citizen, base, world.citizen.username)  # today, months later
    citizen.goto(f"{base}/ho-so/cua-toi/{dossier.pk}/")
    documents = citizen.get_by_test_id("documents")
    expect(documents).to_contain_text("Phiếu yêu cầu bổ sung")
    receipt = documents.get_by_role("link", name=re.compile("Giấy tiếp nhận"))
    response = citizen.request.get(base + receipt.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.body(),
                          capture_output=True, check=True).stdout.decode()
    assert code in text and "Nguyễn Văn An" in text
    link = re.search(r"(?:https?://[^\s/]+)?/tra-cuu/\?ma=\S+", text)  # the QR's URL
    assert link, text
    target = urlparse(link.group(0))
    visitor = browser.new_page(locale="vi-VN")
    visitor.goto(f"{base}{target.path}?{target.query}")
    expect(visitor.get_by_text(code).first).to_be_visible()
    expect(visitor.get_by_text("Nguyễn Văn An")).to_have_count(0)  # initials only
