"""D5, D6 for the applicant: the dossier page shows the processing, the stopped clock and what
to supplement; the supplement upload (checked like every upload) restarts the clock; withdrawal
during processing; the apology's new appointment; nobody else sees any of it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import processing
from dossiers.models import Dossier, DossierDocument, DossierResult
from dossiers.states import State
from procedures.models import DossierComponent
from tests.dossiers.test_processing import World, at, travel
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db) -> World:
    w = World()
    w.component = DossierComponent.objects.create(procedure=w.procedure, order=1,
                                                  name="Bản sao giấy chứng nhận")
    return w


def url(dossier: Dossier) -> str:
    return reverse("dossiers_citizen:detail", args=[dossier.pk])


def test_the_applicant_sees_the_stopped_clock_and_supplements(world, client):
    dossier = world.received()
    client.force_login(world.citizen)
    page = client.get(url(dossier)).content.decode()
    assert 'data-clock="running"' in page and "Thẩm định" in page
    with travel(at(2026, 3, 9, 14, 0)):
        processing.ask_supplement(dossier, by=world.first,
                                  missing=["Bản sao giấy chứng nhận có chứng thực"])
    page = client.get(url(dossier)).content.decode()
    assert 'data-clock="stopped"' in page and "14:00 09/03/2026" in page
    assert "Bản sao giấy chứng nhận có chứng thực" in page
    assert 'data-testid="supplement-form"' in page
    # a file that is not a PDF/JPEG/PNG is refused and nothing changes
    bad = client.post(url(dossier), {"action": "supplement", "component": world.component.pk,
                                     "files": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})
    assert bad.status_code == 400 and 'data-testid="supplement-error"' in bad.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.WAITING_SUPPLEMENT
    assert not dossier.files.exists()
    with travel(at(2026, 3, 10, 9, 0)):
        response = client.post(url(dossier), {
            "action": "supplement", "component": world.component.pk, "note": "Bản chứng thực",
            "files": SimpleUploadedFile("chung-thuc.pdf", PDF)}, follow=True)
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING and dossier.paused_since is None
    assert dossier.paused_seconds == 5 * 3600
    stored = dossier.files.get()
    assert stored.component == world.component and stored.original_name == "chung-thuc.pdf"
    event = dossier.events.get(transition="supplement")
    assert event.data["files"] == [stored.pk] and event.reason == "Bản chứng thực"
    assert 'data-clock="running"' in response.content.decode()


def test_nobody_else_sees_or_supplements(world, client):
    dossier = world.received()
    processing.ask_supplement(dossier, by=world.first, missing=["Tờ khai"])
    client.force_login(UserFactory())
    assert client.get(url(dossier)).status_code == 404
    assert client.post(url(dossier), {"action": "supplement", "note": "x"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).state == State.WAITING_SUPPLEMENT


def test_withdrawal_during_processing_from_the_page(world, client):
    dossier = world.received()
    client.force_login(world.citizen)
    assert 'data-testid="withdraw"' in client.get(url(dossier)).content.decode()
    DossierResult.objects.create(dossier=dossier, title="Kết quả", file="dossiers/r.pdf")
    assert 'data-testid="withdraw"' not in client.get(url(dossier)).content.decode()
    response = client.post(url(dossier), {"action": "withdraw", "reason": "Thôi"}, follow=True)
    assert "kết quả" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.PROCESSING
    DossierResult.objects.all().delete()
    client.post(url(dossier), {"action": "withdraw", "reason": "Không còn nhu cầu"})
    assert Dossier.objects.get(pk=dossier.pk).state == State.WITHDRAWN
    assert DossierDocument.objects.filter(dossier=dossier, kind="stop_notice").exists()


def test_the_new_appointment_is_shown(world, client):
    dossier = world.received()
    with travel(at(2026, 3, 10, 9, 0)):
        processing.apologise(dossier, by=world.leader, reason="Chờ xác minh",
                             new_due_at=at(2026, 3, 20, 17, 30))
    client.force_login(world.citizen)
    page = client.get(url(dossier)).content.decode()
    assert 'data-testid="new-appointment"' in page and "17:30 20/03/2026" in page
    assert "17:30 13/03/2026" in page  # the legal due time stays visible
