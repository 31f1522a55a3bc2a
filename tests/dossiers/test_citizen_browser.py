"""D1 in Chromium: a signed-in citizen opens the submission page of a procedure, starts a draft,
fills the autofilled e-form, uploads two papers (a PDF and a PNG), is stopped by nothing,
submits and sees the dossier code and the intake deadline; the dossier is in "My dossiers"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dossiers.models import Dossier
from dossiers.states import State
from tests.dossiers.test_citizen_submission import EICAR, PDF, PNG, make_world
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


def test_citizen_submits_a_dossier_with_two_uploads(live_server, page: Page):
    world = make_world()
    sign_in(page, live_server.url, world.citizen.username)

    page.goto(live_server.url + "/ho-so/nop/1.004884/")
    expect(page.get_by_test_id("start-agency")).to_have_text("UBND phường Hạc Thành")
    page.get_by_test_id("start-submit").click()
    expect(page.get_by_test_id("draft-title")).to_have_text("Hồ sơ nháp")

    # (a) the e-form, autofilled from the account
    expect(page.get_by_label("Họ, chữ đệm, tên người yêu cầu")).to_have_value("Nguyễn Văn An")
    page.get_by_label("Số bản đề nghị cấp").fill("2")
    page.get_by_test_id("eform-submit").click()
    expect(page.get_by_test_id("eform-saved")).to_be_visible()

    # (b) the papers: a refused file first, then the two good ones
    page.get_by_label("Tệp cho “Giấy tờ tùy thân”").set_input_files(
        {"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF + EICAR})
    page.get_by_test_id(f"upload-{world.identity.pk}").click()
    expect(page.get_by_test_id("upload-error")).to_contain_text("mã độc")
    page.get_by_label("Tệp cho “Giấy tờ tùy thân”").set_input_files(
        {"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_test_id(f"upload-{world.identity.pk}").click()
    expect(page.get_by_test_id(f"files-{world.identity.pk}")).to_contain_text("cccd.pdf")
    page.get_by_label("Tệp cho “Giấy ủy quyền”").set_input_files(
        {"name": "uy-quyen.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_test_id(f"upload-{world.request_letter.pk}").click()
    expect(page.get_by_test_id(f"files-{world.request_letter.pk}")).to_contain_text(
        "uy-quyen.png")

    # (c) delivery by post needs an address
    page.get_by_role("radio", name="Qua dịch vụ bưu chính").check()
    page.get_by_test_id("delivery-submit").click()
    expect(page.get_by_test_id("delivery-error")).to_be_visible()
    page.get_by_role("radio", name="Qua dịch vụ bưu chính").check()
    page.get_by_label("Địa chỉ nhận qua bưu chính").fill("Số 1 Lê Lợi, phường Hạc Thành")
    page.get_by_test_id("delivery-submit").click()
    expect(page.get_by_test_id("review-delivery")).to_contain_text("Số 1 Lê Lợi")

    # (d) review and submit
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_test_id("submitted-title")).to_be_visible()
    expect(page.get_by_test_id("dossier-code")).to_have_text(
        re.compile(r"^000\.01\.30\.H56-\d{6}-0001$"))
    expect(page.get_by_test_id("intake-due")).to_have_text(
        re.compile(r"^\d{2}:\d{2} \d{2}/\d{2}/\d{4}$"))
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert dossier.state == State.SUBMITTED and dossier.files.count() == 2

    page.goto(live_server.url + "/ho-so/cua-toi/")
    expect(page.get_by_test_id("mine-row")).to_have_count(1)
    expect(page.get_by_test_id("mine-row")).to_contain_text(dossier.code)
