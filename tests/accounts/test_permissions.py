"""U2-U6: one permission helper, per-agency scope, province-wide supervisors and operators."""

import pytest

from portal.accounts import permissions
from portal.accounts.models import Membership, User
from portal.accounts.roles import Perm, Role
from portal.agencies.models import Agency
from tests.factories import AgencyFactory, OfficerFactory, UserFactory, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    department = AgencyFactory(name="Sở Tư pháp")
    unit = AgencyFactory(name="Phòng Hành chính tư pháp", parent=department)
    other = AgencyFactory(name="Sở Xây dựng")
    return department, unit, other


def test_role_applies_to_agency_and_agencies_below(tree):
    department, unit, other = tree
    clerk = officer(department, Role.INTAKE_OFFICER)
    assert permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, department)
    assert permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, unit)
    assert not permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, other)
    assert not permissions.has_perm(clerk, Perm.PROCESS_DOSSIERS, department)
    scoped = permissions.scope(Agency.objects.all(), clerk, Perm.RECEIVE_DOSSIERS, "pk")
    assert set(scoped) == {department, unit}


def test_moving_an_agency_changes_who_reaches_it_on_the_next_request(tree,
                                                                     django_assert_num_queries):
    department, unit, other = tree
    clerk = officer(department, Role.INTAKE_OFFICER)
    assert permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, unit)  # the tree is now cached
    clerk = User.objects.get(pk=clerk.pk)  # a new request
    with django_assert_num_queries(1):  # the memberships; the tree comes from the cache
        assert permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, unit)
        assert permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, department)
    unit.parent = other
    unit.save()
    clerk = User.objects.get(pk=clerk.pk)
    assert not permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, unit)
    assert permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, department)
    other_clerk = officer(other, Role.INTAKE_OFFICER)
    assert permissions.has_perm(other_clerk, Perm.RECEIVE_DOSSIERS, unit)


def test_supervisor_sees_every_agency_but_cannot_act(tree):
    department, _unit, other = tree
    supervisor = officer(AgencyFactory(), Role.SUPERVISOR)
    assert permissions.has_perm(supervisor, Perm.VIEW_AGENCY_WORK, other)
    assert permissions.agency_ids_for(supervisor, Perm.VIEW_AGENCY_WORK) is None
    assert not permissions.has_perm(supervisor, Perm.RECEIVE_DOSSIERS, department)
    assert not permissions.has_perm(supervisor, Perm.MANAGE_AGENCY_USERS)


def test_citizen_has_no_agency_permission(tree):
    citizen = UserFactory()
    assert permissions.roles_of(citizen) == {Role.CITIZEN}
    for perm in Perm:
        assert not permissions.has_perm(citizen, perm)


def test_ended_membership_grants_nothing(tree):
    department, _unit, _other = tree
    clerk = officer(department, Role.INTAKE_OFFICER)
    Membership.objects.filter(user=clerk).update(is_active=False)
    clerk = User.objects.get(pk=clerk.pk)
    assert not permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS, department)


def test_inactive_agency_grants_nothing(tree):
    department, _unit, _other = tree
    clerk = officer(department, Role.INTAKE_OFFICER)
    Agency.objects.filter(pk=department.pk).update(is_active=False)
    clerk = User.objects.get(pk=clerk.pk)
    assert not permissions.has_perm(clerk, Perm.RECEIVE_DOSSIERS)


def test_officer_without_membership_is_not_a_citizen():
    loose = OfficerFactory()
    assert permissions.roles_of(loose) == set()
