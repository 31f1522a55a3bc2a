"""Sign-in, lock-out after failures, rate limits, revocation at once and password expiry."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from tests.factories import PASSWORD, AgencyFactory, UserFactory, officer

pytestmark = pytest.mark.django_db
LOGIN = "/tai-khoan/dang-nhap/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_citizen_signs_in_and_sees_citizen_home(client):
    citizen = UserFactory(personal_id="038090001234")
    response = sign_in(client, citizen.username)
    assert response.status_code == 302
    page = client.get(reverse("accounts:dashboard"))
    assert page.status_code == 200
    assert page.templates[0].name == "accounts/home_citizen.html"
    assert "038090001234" in page.content.decode()
    assert AuditEntry.objects.filter(action="login", actor=citizen).exists()


def test_wrong_password_is_refused_in_vietnamese(client):
    user = UserFactory()
    response = sign_in(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed").exists()


def test_account_locks_after_repeated_failures(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong-password")
    response = sign_in(client, user.username)  # the right password no longer helps
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_in_form_is_rate_limited_per_address(client, settings):
    settings.LOGIN_RATE_PER_MINUTE = 3
    for i in range(3):
        assert sign_in(client, f"nobody{i}", "x").status_code == 200
    response = sign_in(client, "nobody9", "x")
    assert response.status_code == 429
    assert "Quá nhiều lần đăng nhập" in response.content.decode()


def test_locking_an_officer_ends_their_session_at_once(client):
    agency = AgencyFactory()
    clerk = officer(agency, Role.INTAKE_OFFICER)
    sign_in(client, clerk.username)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    services.lock_user(clerk, reason="test")
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert sign_in(client, clerk.username).status_code == 200  # refused, form shown again


def test_moving_an_officer_revokes_the_old_agency_at_once(client):
    old, new = AgencyFactory(name="Sở cũ"), AgencyFactory(name="Sở mới")
    clerk = officer(old, Role.INTAKE_OFFICER)
    sign_in(client, clerk.username)
    services.move_officer(clerk, to_agency=new, role=Role.PROCESSING_OFFICER)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302  # old session ended
    sign_in(client, clerk.username)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Sở mới" in page
    assert "Sở cũ" not in page
    assert AuditEntry.objects.filter(action="access_revoked", object_id=str(clerk.pk)).exists()


def test_officer_without_any_membership_cannot_sign_in(client):
    clerk = officer(AgencyFactory(), Role.INTAKE_OFFICER)
    clerk.memberships.update(is_active=False)
    response = sign_in(client, clerk.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_expired_officer_password_must_be_changed(client, settings):
    settings.OFFICER_PASSWORD_MAX_AGE_DAYS = 90
    clerk = officer(AgencyFactory(), Role.INTAKE_OFFICER)
    User.objects.filter(pk=clerk.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    sign_in(client, clerk.username)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    new = "Another-secret-2027"
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_citizen_passwords_do_not_expire(client, settings):
    settings.OFFICER_PASSWORD_MAX_AGE_DAYS = 1
    citizen = UserFactory()
    User.objects.filter(pk=citizen.pk).update(
        password_changed_at=timezone.now() - timedelta(days=400))
    sign_in(client, citizen.username)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("role", "template"),
    [(Role.INTAKE_OFFICER, "accounts/home_officer.html"),
     (Role.SUPERVISOR, "accounts/home_officer.html"),
     (Role.AGENCY_ADMIN, "accounts/home_admin.html"),
     (Role.OPERATOR, "accounts/home_admin.html")],
)
def test_home_page_follows_the_role(client, role, template):
    user = officer(AgencyFactory(), role)
    client.force_login(user)
    assert client.get(reverse("accounts:dashboard")).templates[0].name == template


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_citizen_signs_in_with_personal_id_number(client):
    UserFactory(username="an", personal_id="038090001234")
    assert sign_in(client, "038090001234").status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_admin_sign_in_goes_through_the_rate_limited_portal_form(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/tai-khoan/dang-nhap/?next=%2Fadmin%2F"
    outside = client.get("/admin/login/?next=https://evil.example/")
    assert outside.url == "/tai-khoan/dang-nhap/"
