"""U4: agency admins manage the users of their own agency in Django admin, and only those;
every admin change is audited."""

import pytest

from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from tests.factories import AgencyFactory, officer

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def setup():
    mine, theirs = AgencyFactory(name="Sở Tư pháp"), AgencyFactory(name="Sở Xây dựng")
    admin_user = officer(mine, Role.AGENCY_ADMIN, username="quantri")
    my_clerk = officer(mine, Role.INTAKE_OFFICER, username="my_clerk")
    their_clerk = officer(theirs, Role.INTAKE_OFFICER, username="their_clerk")
    return mine, theirs, admin_user, my_clerk, their_clerk


def test_changelist_shows_only_own_agency(client, setup):
    _mine, _theirs, admin_user, _my_clerk, _their_clerk = setup
    client.force_login(admin_user)
    page = client.get(CHANGELIST).content.decode()
    assert "my_clerk" in page
    assert "their_clerk" not in page


def test_other_agency_user_cannot_be_opened_or_changed(client, setup):
    _mine, _theirs, admin_user, _my_clerk, their_clerk = setup
    client.force_login(admin_user)
    response = client.get(f"{CHANGELIST}{their_clerk.pk}/change/")
    assert response.status_code == 302  # admin: "does not exist" → back to the index
    client.post(f"{CHANGELIST}{their_clerk.pk}/change/", {"is_active": ""})
    assert User.objects.get(pk=their_clerk.pk).is_active


def test_locking_own_officer_through_admin_action_is_audited(client, setup):
    _mine, _theirs, admin_user, my_clerk, their_clerk = setup
    client.force_login(admin_user)
    client.post(CHANGELIST, {"action": "lock_accounts",
                             "_selected_action": [my_clerk.pk, their_clerk.pk]})
    assert not User.objects.get(pk=my_clerk.pk).is_active
    assert User.objects.get(pk=their_clerk.pk).is_active
    entry = AuditEntry.objects.get(action="access_revoked", object_id=str(my_clerk.pk))
    assert entry.actor == admin_user


def test_agency_admin_cannot_grant_roles_in_another_agency(client, setup):
    _mine, _theirs, admin_user, my_clerk, _their_clerk = setup
    client.force_login(admin_user)
    page = client.get(f"{CHANGELIST}{my_clerk.pk}/change/").content.decode()
    assert "Sở Tư pháp" in page
    assert "Sở Xây dựng" not in page  # not offered in the agency choices
    assert "is_superuser" not in page


def test_creating_an_officer_needs_a_role_in_own_agency(client, setup):
    mine, _theirs, admin_user, _my_clerk, _their_clerk = setup
    client.force_login(admin_user)
    data = {
        "username": "new_clerk", "full_name": "Lê Văn Mới", "kind": "officer",
        "email": "new@example.vn", "phone": "0912000111", "usable_password": "true",
        "password1": "Str0ng-pass-2026", "password2": "Str0ng-pass-2026",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-agency": mine.pk, "memberships-0-role": Role.INTAKE_OFFICER,
        "memberships-0-is_active": "on", "memberships-0-started_at_0": "01/01/2026",
        "memberships-0-started_at_1": "08:00:00",
    }
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="new_clerk")
    assert created.kind == User.Kind.OFFICER
    assert Membership.objects.filter(user=created, agency=mine).exists()
    assert AuditEntry.objects.filter(action="create", object_id=str(created.pk),
                                     actor=admin_user).exists()


def test_citizen_and_intake_officer_have_no_admin(client, setup):
    _mine, _theirs, _admin_user, my_clerk, _their_clerk = setup
    client.force_login(my_clerk)
    assert client.get(CHANGELIST).status_code == 302  # to the admin login


def test_agency_admin_cannot_manage_an_operator_with_a_role_in_their_agency(client, setup):
    mine, _theirs, admin_user, _my_clerk, _their_clerk = setup
    operator = officer(AgencyFactory(), Role.OPERATOR, username="op")
    Membership.objects.create(user=operator, agency=mine, role=Role.INTAKE_OFFICER)
    client.force_login(admin_user)
    assert "op</a>" not in client.get(CHANGELIST).content.decode()
    client.post(f"{CHANGELIST}{operator.pk}/password/",
                {"password1": "Taken-over-2026", "password2": "Taken-over-2026"})
    assert not User.objects.get(pk=operator.pk).check_password("Taken-over-2026")


def test_a_moved_officer_leaves_the_old_admins_reach(client, setup):
    from portal.accounts.services import move_officer

    _mine, theirs, admin_user, my_clerk, _their_clerk = setup
    move_officer(my_clerk, to_agency=theirs, role=Role.AGENCY_LEADER)
    client.force_login(admin_user)
    client.post(f"{CHANGELIST}{my_clerk.pk}/password/",
                {"password1": "Taken-over-2026", "password2": "Taken-over-2026"})
    assert not User.objects.get(pk=my_clerk.pk).check_password("Taken-over-2026")
