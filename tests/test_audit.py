"""The audit log is append-only and readable by supervisors and operators only."""

import pytest
from django.db import connection, transaction

from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.audit.services import record
from tests.factories import AgencyFactory, UserFactory, officer

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted():
    entry = record("other", message="hello", changes={"password": "x", "name": "y"})
    assert entry.changes == {"password": "***", "name": "y"}
    entry.message = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_database_itself_refuses_updates_and_deletes():
    entry = record("other", message="hello")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(message="rewritten")
    if connection.vendor == "postgresql":  # SQLite's flush needs DELETE; the model refuses it
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk)._raw_delete(connection.alias)
    assert AuditEntry.objects.get(pk=entry.pk).message == "hello"


@pytest.mark.parametrize(("role", "status"), [(Role.SUPERVISOR, 200), (Role.OPERATOR, 200),
                                              (Role.INTAKE_OFFICER, 403),
                                              (Role.AGENCY_ADMIN, 403)])
def test_audit_log_page_access(client, role, status):
    client.force_login(officer(AgencyFactory(), role))
    assert client.get("/nhat-ky/").status_code == status


def test_citizen_cannot_read_the_log(client):
    client.force_login(UserFactory())
    assert client.get("/nhat-ky/").status_code == 403


def test_log_page_filters_by_actor(client):
    supervisor = officer(AgencyFactory(), Role.SUPERVISOR, username="giamsat")
    record("other", actor=UserFactory(username="alice"), message="alice did it")
    record("other", actor=UserFactory(username="bob"), message="bob did it")
    client.force_login(supervisor)
    page = client.get("/nhat-ky/", {"actor": "alice"}).content.decode()
    assert "alice did it" in page
    assert "bob did it" not in page
