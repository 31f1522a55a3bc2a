"""A signed-in citizen fills an e-form in Chromium: prefilled identity, a Vietnamese error for a
missing required field, then the saved form and its PDF (P4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.procedures.factories_eforms import PERSONAL_ID, make_citizen, make_eform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_fills_the_form_fixes_an_error_and_gets_the_pdf(live_server, page: Page):
    make_eform()
    user = make_citizen(username="hoa")
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()

    page.goto(live_server.url + "/thu-tuc/1.001193/bieu-mau/TK01/")
    expect(page.get_by_test_id("eform-title")).to_have_text("Tờ khai đăng ký khai sinh")
    expect(page.get_by_label("Họ, chữ đệm, tên người yêu cầu")).to_have_value("Nguyễn Thị Hoa")
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value(PERSONAL_ID)
    expect(page.get_by_test_id("signature-required")).to_be_visible()

    # the commune list follows the province (enhancement) and a row is added in place
    page.get_by_label("Tỉnh, thành phố").select_option(label="Thành phố Hà Nội")
    commune = page.get_by_label("Xã, phường, đặc khu")
    expect(commune.locator("option", has_text="Phường Hoàn Kiếm")).to_have_count(1)
    commune.select_option(label="Phường Hoàn Kiếm")
    page.get_by_role("button", name="Thêm dòng").click()
    expect(page.locator("[data-eform-row]")).to_have_count(2)

    page.get_by_label("Tôi cam đoan những nội dung khai trên đây là đúng sự thật").check()
    page.get_by_test_id("eform-submit").click()
    missing = "Vui lòng nhập “Họ, chữ đệm, tên người được khai sinh”."
    expect(page.get_by_text(missing)).to_be_visible()

    page.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Trần Minh An")
    page.get_by_label("Tôi cam đoan những nội dung khai trên đây là đúng sự thật").check()
    page.get_by_test_id("eform-submit").click()
    expect(page.get_by_test_id("filled-saved")).to_be_visible()
    values = page.get_by_test_id("filled-values")
    expect(values).to_contain_text("Trần Minh An")
    expect(values).to_contain_text("Phường Hoàn Kiếm, Thành phố Hà Nội")

    href = page.get_by_test_id("filled-pdf").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
