"""D2 API: the intake queue and actions under ``/api/v1/intake/`` — the same services as the
pages, every denial, and the OpenAPI documentation."""

from __future__ import annotations

import pytest
import time_machine

from dossiers import services
from dossiers.models import Dossier
from dossiers.states import State
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from tests.dossiers.test_intake_queue import World, at
from tests.factories import officer

BASE = "/api/v1/intake/dossiers/"


@pytest.fixture
def world(db) -> World:
    return World()


def test_queue_lists_only_own_agency_with_filters(world, client):
    late = world.submitted(at(2026, 3, 5, 9, 0))
    fresh = world.submitted(at(2026, 3, 9, 10, 0), procedure=world.other_procedure)
    world.submitted(at(2026, 3, 5, 8, 0), procedure=world.foreign_procedure)
    client.force_login(world.clerk)
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        body = client.get(BASE).json()
        assert [row["code"] for row in body["results"]] == [late.code, fresh.code]
        assert body["results"][0]["punctuality"] == "late"
        assert body["results"][0]["remaining"] == "quá hạn 9 giờ"
        assert body["results"][1]["remaining"] == "còn 8 giờ làm việc"
        only = client.get(BASE, {"punctuality": "on_time"}).json()["results"]
        assert [row["code"] for row in only] == [fresh.code]
        only = client.get(BASE, {"procedure": world.other_procedure.pk}).json()["results"]
        assert [row["code"] for row in only] == [fresh.code]


def test_detail_is_audited_and_other_agencies_get_404(world, client):
    dossier = world.submitted(at(2026, 3, 9, 9, 0))
    client.force_login(world.foreign_clerk)
    assert client.get(f"{BASE}{dossier.pk}/").status_code == 404
    assert client.post(f"{BASE}{dossier.pk}/accept/").status_code == 404
    client.force_login(world.clerk)
    body = client.get(f"{BASE}{dossier.pk}/").json()
    assert body["code"] == dossier.code and body["applicant_id_number"] == "038090001234"
    assert body["national_status"] == 1 and body["events"][0]["to_state"] == "submitted"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA,
                                     object_id=str(dossier.pk)).count() == 1


def test_non_officers_are_refused(world, client):
    dossier = world.submitted(at(2026, 3, 9, 9, 0))
    assert client.get(BASE).status_code == 403  # anonymous
    for user in (world.citizen, officer(world.agency, Role.PROCESSING_OFFICER)):
        client.force_login(user)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}{dossier.pk}/").status_code == 403
        assert client.post(f"{BASE}{dossier.pk}/accept/").status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_actions_and_conflicts(world, client):
    first = world.submitted(at(2026, 3, 9, 9, 0))
    second = world.submitted(at(2026, 3, 9, 9, 0))
    third = world.submitted(at(2026, 3, 9, 9, 0))
    client.force_login(world.clerk)
    url = f"{BASE}{first.pk}/ask-to-complete/"
    assert client.post(url, {"defects": []}, content_type="application/json").status_code == 400
    response = client.post(url, {"defects": ["Thiếu tờ khai", "Sai họ tên"]},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "incomplete"
    assert response.json()["events"][-1]["data"]["defects"] == ["Thiếu tờ khai", "Sai họ tên"]
    assert client.post(f"{BASE}{second.pk}/refuse/", {}, content_type="application/json"
                       ).status_code == 400
    response = client.post(f"{BASE}{second.pk}/refuse/", {"reasons": "Không thuộc thẩm quyền"},
                           content_type="application/json")
    assert response.json()["state"] == "refused"
    assert client.post(f"{BASE}{third.pk}/accept/").json()["state"] == "processing"
    conflict = client.post(f"{BASE}{third.pk}/accept/")
    assert conflict.status_code == 409
    assert "không thể thực hiện thao tác này nữa" in conflict.json()["detail"]
    services.resubmit(first, by=world.citizen)
    assert client.post(f"{BASE}{first.pk}/accept/").json()["state"] == "processing"


def test_documented_in_openapi(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/intake/dossiers/" in paths
    assert "post" in paths["/api/v1/intake/dossiers/{id}/ask-to-complete/"]
    assert "409" in paths["/api/v1/intake/dossiers/{id}/accept/"]["post"]["responses"]
    names = {p["name"] for p in paths["/api/v1/intake/dossiers/"]["get"]["parameters"]}
    assert {"procedure", "state", "channel", "punctuality", "page"} <= names
