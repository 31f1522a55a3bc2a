"""A visitor finds "Đăng ký khai sinh" by typing it without accents in Chromium, opens it and
sees the dossier components and the online submission button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.procedures.test_public_catalogue import khai_sinh, make_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_without_accents_and_opens_the_procedure(live_server, page: Page):
    khai_sinh()
    make_procedure("Đăng ký kết hôn", code="1.000894")
    make_procedure("Cấp giấy phép xây dựng", code="1.009794", field_name="Xây dựng")

    page.goto(live_server.url + "/thu-tuc/")
    expect(page.get_by_role("heading", name="Thủ tục hành chính")).to_be_visible()
    expect(page.get_by_test_id("result-row")).to_have_count(3)

    page.get_by_label("Từ khóa").fill("dang ky khai sinh")
    page.get_by_test_id("catalogue-submit").click()

    rows = page.get_by_test_id("result-row")
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Từ khóa")).to_have_value("dang ky khai sinh")
    page.get_by_role("link", name="Đăng ký khai sinh").click()

    expect(page.get_by_test_id("procedure-name")).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_test_id("national-code")).to_have_text("1.001193")
    components = page.get_by_test_id("component")
    expect(components).to_have_count(3)
    expect(components.first).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(components.first).to_contain_text("1.001193.TK01")
    expect(page.get_by_test_id("fees")).to_contain_text("1.400.000 đ")
    button = page.get_by_role("link", name="Nộp hồ sơ trực tuyến")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("href", "/ho-so/nop/1.001193/")


def test_filters_work_without_javascript(live_server, browser):
    khai_sinh()
    make_procedure("Đính chính giấy chứng nhận quyền sử dụng đất", code="1.004227",
                   field_name="Đất đai", online_level="partial")
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/thu-tuc/")
    page.get_by_label("Mức độ dịch vụ công trực tuyến").select_option("partial")
    page.get_by_test_id("catalogue-submit").click()
    expect(page.get_by_test_id("result-row")).to_have_count(1)
    expect(page.get_by_test_id("result-row")).to_contain_text("Đính chính giấy chứng nhận")
    context.close()
