"""The feedback API for connected systems (token per system, 4xx with field errors, idempotent)
and the satisfaction survey (single-use expiring link, anonymous answers, aggregates only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from feedback import services, surveys
from feedback.models import Channel, Feedback, State, SurveyAnswer, SurveyInvitation

from .conftest import MONDAY, World

ITEM = {"external_id": "1022-000123", "received_at": "2026-11-02T08:30:00+07:00",
        "sender_name": "Phạm Thị Hoa", "sender_phone": "0987000111",
        "title": "Thái độ cán bộ", "content": "Cán bộ một cửa không hướng dẫn."}


@pytest.fixture
def api(world) -> tuple[APIClient, str, str]:
    _source, token = services.new_source("Tổng đài 1022")
    _other, other_token = services.new_source("Cổng DVC quốc gia")
    return APIClient(), token, other_token


def test_push_is_authenticated_validated_and_idempotent(api, world):
    client, token, other = api
    url = reverse("feedback-api:items")
    assert client.post(url, ITEM, format="json").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION="Bearer wrong")
    assert client.post(url, ITEM, format="json").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    bad = client.post(url, {**ITEM, "sender_phone": "", "received_at": "hôm qua",
                            "agency_code": "999.99.99.H99"}, format="json")
    assert bad.status_code == 400
    assert {"received_at"} <= set(bad.json()["errors"])
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        first = client.post(url, {**ITEM, "agency_code": world.justice.code}, format="json")
        again = client.post(url, ITEM, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["code"] == again.json()["code"]
    item = Feedback.objects.get()
    assert item.channel == Channel.API and item.intake_agency == world.justice
    assert item.received_at.isoformat().startswith("2026-11-02T01:30")  # UTC of 08:30 +07
    # status: only the system's own items
    status_url = reverse("feedback-api:item", args=[ITEM["external_id"]])
    assert client.get(status_url).json()["state"] == State.RECEIVED
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert client.get(status_url).status_code == 404
    # the same external id from another system is another item
    assert client.post(url, ITEM, format="json").status_code == 201
    assert Feedback.objects.count() == 2


def test_disabled_source_is_refused(api):
    client, token, _other = api
    from feedback.models import FeedbackSource

    FeedbackSource.objects.update(is_active=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.post(reverse("feedback-api:items"), ITEM, format="json").status_code == 401


# -- survey ----------------------------------------------------------------------------------


def invitation(world: World, token: str = "s" * 32) -> SurveyInvitation:
    from dossiers.models import Dossier
    from procedures.services import publish
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(owner_agency=world.justice)
    version = publish(procedure)
    dossier = Dossier.objects.create(
        code="D-1", procedure=procedure, procedure_version=version,
        receiving_agency=world.justice, applicant=world.citizen,
        applicant_name="Nguyễn Văn An", applicant_email="an@example.vn")
    from dossiers.models import DossierEvent

    event = DossierEvent.objects.create(dossier=dossier, at=MONDAY, actor_kind="officer",
                                        transition="return_result", from_state="settled",
                                        to_state="returned")
    original = surveys.secrets.token_urlsafe
    surveys.secrets.token_urlsafe = lambda n=24: token  # type: ignore[assignment]
    try:
        surveys.on_dossier_event(event)
        surveys.on_dossier_event(event)  # a second run does not invite twice
    finally:
        surveys.secrets.token_urlsafe = original  # type: ignore[assignment]
    return SurveyInvitation.objects.get(dossier=dossier)


def test_return_result_invites_once_and_the_link_is_single_use(client, world):
    with time_machine.travel(MONDAY, tick=False):
        invite = invitation(world)
    assert invite.agency == world.justice and SurveyInvitation.objects.count() == 1
    assert invite.token_sha256 != "s" * 32  # only the hash is stored
    url = reverse("feedback:survey", args=["s" * 32])
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        assert client.get(url).status_code == 200
        response = client.post(url, {"intake_score": "5", "handling_score": "4",
                                     "comment": "Tốt"})
        assert response.status_code == 200
        assert client.get(url).status_code == 410
        assert client.post(url, {"intake_score": "1", "handling_score": "1"}).status_code == 410
    answer = SurveyAnswer.objects.get()
    assert (answer.intake_score, answer.handling_score) == (5, 4)
    # anonymous: the answer has no link to the invitation, the dossier or a person
    linked = {f.name for f in SurveyAnswer._meta.get_fields()}
    assert linked == {"id", "agency", "answered_on", "intake_score", "handling_score",
                      "comment"}


def test_the_link_expires(client, world):
    with time_machine.travel(MONDAY, tick=False):
        invitation(world)
    with time_machine.travel(MONDAY + timedelta(days=surveys.SURVEY_VALID_DAYS, hours=1),
                             tick=False):
        url = reverse("feedback:survey", args=["s" * 32])
        assert client.get(url).status_code == 410
        with pytest.raises(services.FeedbackError):
            surveys.answer("s" * 32, intake_score=5, handling_score=5)
    assert not SurveyAnswer.objects.exists()


def test_the_real_return_result_transition_invites_the_applicant(db, settings, tmp_path):
    """Through the dossier engine: settling an online dossier releases the result (event
    ``return_result``) and the hook writes the invitation in that transaction."""
    from dossiers import results
    from dossiers.hooks import _handlers
    from dossiers.states import Delivery
    from portal.notifications.models import Delivery as Sent
    from tests.dossiers.results_world import make_world as results_world
    from tests.dossiers.results_world import pdf_upload

    settings.MEDIA_ROOT = tmp_path / "media"
    assert _handlers.get("survey") is surveys.on_dossier_event
    w = results_world()
    d = w.dossier(delivery=Delivery.ONLINE)
    result = results.prepare_result(d, by=w.processor, title="Kết quả", number="1",
                                    upload=pdf_upload())
    results.sign_result(result, by=w.leader)
    d = results.settle(d, by=w.processor)
    invite = SurveyInvitation.objects.get(dossier=d)
    assert invite.used_at is None and invite.expires_at > invite.created_at
    assert Sent.objects.filter(kind="survey_invitation").exists()


def test_officers_see_aggregates_only(client, world):
    for intake, handling in [(5, 5), (3, 4)]:
        SurveyAnswer.objects.create(agency=world.justice, answered_on=MONDAY.date(),
                                    intake_score=intake, handling_score=handling,
                                    comment=f"bí mật {intake}")
    client.force_login(world.leader)
    html = client.get(reverse("feedback:staff-surveys")).content.decode()
    assert "Sở Tư pháp" in html and "bí mật" not in html
    assert ">2<" in html  # two answers, averages only
    client.force_login(world.health_officer)
    assert "Sở Tư pháp" not in client.get(reverse("feedback:staff-surveys")).content.decode()
