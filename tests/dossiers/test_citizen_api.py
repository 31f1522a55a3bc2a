"""D1 API: a citizen starts, fills and submits a dossier through ``/api/v1/citizen/dossiers/``
with the same rules as the pages; each denial is tested (anonymous, another person's dossier,
a bad file, an incomplete dossier, a dossier no longer editable)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from dossiers import services, submission
from dossiers.models import Dossier
from dossiers.states import State
from tests.dossiers.test_citizen_submission import (
    EICAR,
    PDF,
    PNG,
    VN,
    World,
    complete_draft,
    filled_form,
    make_world,
    upload,
)
from tests.factories import UserFactory

BASE = "/api/v1/citizen/dossiers/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db) -> World:
    return make_world()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_citizen_submits_through_the_api(world):
    client = api(world.citizen)
    response = client.post(BASE, {"procedure": "1.004884", "delivery": "counter"},
                           format="json")
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    assert response.data["state"] == "draft" and response.data["national_status"] is None
    assert len(response.data["problems"]) == 3

    for component, f in ((world.identity, upload("cccd.pdf", PDF)),
                         (world.request_letter, upload("uyquyen.png", PNG))):
        response = client.post(f"{BASE}{pk}/files/", {"component": component.pk, "file": f},
                               format="multipart")
        assert response.status_code == 201, response.data
    assert response.data["content_type"] == "image/png"

    response = client.post(f"{BASE}{pk}/submit/")
    assert response.status_code == 400
    assert response.data["problems"] == ["Vui lòng điền tờ khai điện tử “Tờ khai”."]

    response = client.post(f"{BASE}{pk}/eform/", {"filled_form": filled_form(world).pk},
                           format="json")
    assert response.status_code == 200 and response.data["problems"] == []
    with time_machine.travel(datetime(2026, 3, 6, 19, 0, tzinfo=VN), tick=False):
        response = client.post(f"{BASE}{pk}/submit/")
    assert response.status_code == 200
    assert response.data["code"] == "000.01.30.H56-260306-0001"
    assert response.data["state"] == "submitted" and response.data["national_status"] == 1
    assert response.data["intake_due_at"].startswith("2026-03-09T17:30:00")
    assert [e["transition"] for e in response.data["events"]] == ["submit"]

    listing = client.get(BASE)
    assert listing.status_code == 200 and listing.data["count"] == 1
    assert listing.data["results"][0]["code"] == "000.01.30.H56-260306-0001"


def test_anonymous_gets_nothing(world):
    dossier = complete_draft(world)
    client = api()
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{dossier.pk}/").status_code == 403
    assert client.post(f"{BASE}{dossier.pk}/submit/").status_code == 403
    assert client.post(BASE, {"procedure": "1.004884"}, format="json").status_code == 403


def test_another_citizens_dossier_is_not_found(world):
    dossier = complete_draft(world)
    stranger = api(UserFactory())
    assert stranger.get(BASE).data["count"] == 0
    assert stranger.get(f"{BASE}{dossier.pk}/").status_code == 404
    assert stranger.post(f"{BASE}{dossier.pk}/submit/").status_code == 404
    assert stranger.post(f"{BASE}{dossier.pk}/files/",
                         {"component": world.identity.pk, "file": upload("a.pdf", PDF)},
                         format="multipart").status_code == 404
    f = dossier.files.first()
    assert stranger.delete(f"{BASE}{dossier.pk}/files/{f.pk}/").status_code == 404
    assert stranger.post(f"{BASE}{dossier.pk}/withdraw/", {"reason": "x"},
                         format="json").status_code == 404
    assert stranger.post(f"{BASE}{dossier.pk}/delivery/", {"delivery": "online"},
                         format="json").status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT
    assert dossier.files.count() == 2


def test_someone_elses_filled_form_cannot_be_attached(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    other = filled_form(world, UserFactory())
    response = api(world.citizen).post(f"{BASE}{dossier.pk}/eform/",
                                       {"filled_form": other.pk}, format="json")
    assert response.status_code == 400
    assert response.data["detail"] == "Tờ khai này không phải của bạn."


def test_bad_files_are_refused_with_the_reason(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    client = api(world.citizen)
    url = f"{BASE}{dossier.pk}/files/"
    response = client.post(url, {"component": world.identity.pk,
                                 "file": upload("a.pdf", PDF + EICAR)}, format="multipart")
    assert response.status_code == 400 and "mã độc" in response.data["detail"]
    response = client.post(url, {"component": world.identity.pk,
                                 "file": upload("a.pdf", b"GIF89a....")}, format="multipart")
    assert response.status_code == 400
    assert "không thuộc định dạng được chấp nhận" in response.data["detail"]
    response = client.post(url, {"component": 999999, "file": upload("a.pdf", PDF)},
                           format="multipart")
    assert response.status_code == 400
    assert not dossier.files.exists()


def test_post_delivery_without_address_is_refused(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    response = api(world.citizen).post(f"{BASE}{dossier.pk}/delivery/", {"delivery": "post"},
                                       format="json")
    assert response.status_code == 400
    assert response.data["detail"] == "Vui lòng cho biết địa chỉ nhận kết quả qua bưu chính."


def test_a_submitted_dossier_is_no_longer_edited_and_can_be_withdrawn(world):
    dossier = complete_draft(world)
    submission.send(dossier, by=world.citizen)
    client = api(world.citizen)
    response = client.post(f"{BASE}{dossier.pk}/files/",
                           {"component": world.identity.pk, "file": upload("a.pdf", PDF)},
                           format="multipart")
    assert response.status_code == 400 and "không thể thay đổi" in response.data["detail"]
    assert client.post(f"{BASE}{dossier.pk}/submit/").status_code == 400
    assert client.post(f"{BASE}{dossier.pk}/withdraw/", {"reason": ""},
                       format="json").status_code == 400
    response = client.post(f"{BASE}{dossier.pk}/withdraw/", {"reason": "Nộp nhầm"},
                           format="json")
    assert response.status_code == 200 and response.data["state"] == "withdrawn"


def test_an_incomplete_dossier_is_completed_and_resubmitted(world):
    dossier = complete_draft(world)
    submission.send(dossier, by=world.citizen)
    services.ask_to_complete(dossier, by=world.clerk, defects=["Thiếu trang 2"])
    client = api(world.citizen)
    detail = client.get(f"{BASE}{dossier.pk}/")
    assert detail.data["defects"] == ["Thiếu trang 2"]
    response = client.post(f"{BASE}{dossier.pk}/files/",
                           {"component": world.identity.pk, "file": upload("b.pdf", PDF)},
                           format="multipart")
    assert response.status_code == 201
    response = client.post(f"{BASE}{dossier.pk}/resubmit/", {"note": "Đã bổ sung"},
                           format="json")
    assert response.status_code == 200 and response.data["state"] == "submitted"


def test_unknown_procedure_is_a_clear_error(world):
    response = api(world.citizen).post(BASE, {"procedure": "1.999999"}, format="json")
    assert response.status_code == 400
    assert response.data["detail"] == "Thủ tục này không tiếp nhận hồ sơ trực tuyến."


def test_the_api_is_in_the_openapi_schema(world):
    response = api(world.citizen).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/citizen/dossiers/{id}/submit/" in text
