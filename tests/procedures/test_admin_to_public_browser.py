"""Done-when of the catalogue: an agency admin creates a procedure with its e-form and internal
process in Django admin and publishes it; a visitor finds it with and without diacritics and
reads it."""

import json

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.roles import Role
from procedures.models import Procedure
from tests.factories import PASSWORD, AgencyFactory, officer
from tests.procedures.factories import FieldFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEFINITION = {"title": "Tờ khai đăng ký kết hôn", "fields": [
    {"name": "ho_ten_chong", "type": "text", "label": "Họ, chữ đệm, tên người chồng",
     "required": True},
    {"name": "ho_ten_vo", "type": "text", "label": "Họ, chữ đệm, tên người vợ", "required": True},
]}


def pick_autocomplete(page: Page, field: str, text: str) -> None:
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_admin_publishes_and_visitor_finds_it(live_server, page: Page, browser):
    commune = AgencyFactory(name="UBND phường Hạc Thành")
    FieldFactory(name="Hộ tịch")
    admin_user = officer(commune, Role.AGENCY_ADMIN, username="quantri.hacthanh")
    url = live_server.url

    page.goto(f"{url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(admin_user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()

    # 1. The procedure, with one dossier component and one e-form row.
    page.goto(f"{url}/admin/procedures/procedure/add/")
    page.fill("#id_national_code", "1.000894")
    page.fill("#id_name", "Đăng ký kết hôn")
    page.select_option("#id_field", label="Hộ tịch")
    page.select_option("#id_owner_agency", label="UBND phường Hạc Thành")
    page.select_option("#id_online_level", "partial")
    page.fill("#id_processing_time", "5")
    page.fill("#id_result", "Giấy chứng nhận kết hôn")
    page.locator("#components-group .add-row a").click()
    page.fill("#id_components-0-name", "Tờ khai đăng ký kết hôn")
    page.fill("#id_components-0-originals", "1")
    page.locator("#forms-group .add-row a").click()
    page.fill("#id_forms-0-symbol", "TK01")
    page.fill("#id_forms-0-name", "Tờ khai đăng ký kết hôn")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    procedure = Procedure.objects.get(national_code="1.000894")

    # 2. The e-form's fields (a new version on save).
    page.get_by_role("link", name="Sửa các trường của biểu mẫu").click()
    page.fill("#id_definition", json.dumps(DEFINITION, ensure_ascii=False))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert procedure.forms.get().current_version.number == 1

    # 3. The internal process: budgets must add up to 5 working days (40 working hours).
    page.goto(f"{url}/admin/procedures/internalprocess/add/")
    pick_autocomplete(page, "procedure", "1.000894")
    page.select_option("#id_agency", label="UBND phường Hạc Thành")
    for i, (name, budget, unit) in enumerate([("Tiếp nhận", "4", "working_hours"),
                                              ("Thẩm định", "4", "working_days"),
                                              ("Trả kết quả", "4", "working_hours")]):
        page.locator("#steps-group .add-row a").click()
        page.fill(f"#id_steps-{i}-order", str(i + 1))
        page.fill(f"#id_steps-{i}-name", name)
        page.fill(f"#id_steps-{i}-unit", "Bộ phận Một cửa")
        page.fill(f"#id_steps-{i}-budget", budget)
        page.select_option(f"#id_steps-{i}-budget_unit", unit)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert procedure.processes.get().steps.count() == 3

    # 4. Publish.
    page.goto(f"{url}/admin/procedures/procedure/{procedure.pk}/change/")
    page.get_by_test_id("publish").click()
    expect(page.locator(".messagelist")).to_contain_text("phiên bản 1")

    # 5. A visitor finds it with and without diacritics and reads it.
    visitor = browser.new_page(locale="vi-VN")
    for query in ("dang ky ket hon", "Đăng ký kết hôn"):
        visitor.goto(f"{url}/thu-tuc/?q={query}")
        expect(visitor.get_by_role("link", name="Đăng ký kết hôn")).to_be_visible()
    visitor.get_by_role("link", name="Đăng ký kết hôn").click()
    expect(visitor.locator("h1")).to_contain_text("Đăng ký kết hôn")
    expect(visitor.get_by_text("Giấy chứng nhận kết hôn")).to_be_visible()
    expect(visitor.get_by_text("1.000894.TK01").first).to_be_visible()
    expect(visitor.get_by_test_id("submit-online")).to_have_text("Nộp hồ sơ trực tuyến")
    visitor.close()
