"""A person who ran the first README command signs in with each demo account in Chromium and
sees a home page for their role, in Vietnamese."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from portal.ops.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED = [
    ("congdan", "citizen", "Dịch vụ công của tôi", "Công dân, tổ chức"),
    ("doanhnghiep", "citizen", "Dịch vụ công của tôi", "Công dân, tổ chức"),
    ("motcua.tuphap", "officer", "Không gian làm việc của cán bộ", "Cán bộ Một cửa"),
    ("chuyenvien.tuphap", "officer", "Không gian làm việc của cán bộ", "Chuyên viên xử lý"),
    ("truongphong.tuphap", "officer", "Không gian làm việc của cán bộ", "Chuyên viên xử lý"),
    ("lanhdao.tuphap", "officer", "Không gian làm việc của cán bộ", "Lãnh đạo cơ quan"),
    ("giamsat", "officer", "Không gian làm việc của cán bộ", "Giám sát"),
    ("quantri.tuphap", "admin", "Trang quản trị", "Quản trị cơ quan"),
    ("vanhanh", "admin", "Trang quản trị", "Vận hành hệ thống"),
]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", quiet_accounts=True)


@pytest.mark.parametrize(("username", "kind", "title", "role"), EXPECTED)
def test_each_demo_account_reaches_its_home_page(demo, live_server, page: Page, username, kind,
                                                 title, role):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_test_id("nav-login").click()
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    heading = page.get_by_test_id("home-title")
    expect(heading).to_have_attribute("data-kind", kind)
    expect(heading).to_have_text(title)
    expect(page.get_by_test_id("role").first).to_contain_text(role)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_test_id("nav-login")).to_be_visible()


def test_wrong_password_shows_a_vietnamese_error(demo, live_server, page: Page):
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("congdan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng")).to_be_visible()


def test_admin_signs_in_to_django_admin_in_vietnamese(demo, live_server, page: Page):
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("quantri.tuphap")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_role("link", name="Quản trị hệ thống").click()
    expect(page.get_by_role("link", name="Người dùng")).to_be_visible()
    page.get_by_role("link", name="Người dùng").click()
    expect(page.get_by_role("link", name="motcua.tuphap", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="motcua.hacthanh", exact=True)).to_have_count(0)
