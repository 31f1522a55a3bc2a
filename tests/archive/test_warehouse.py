"""The citizen's data warehouse (D9): results and digitized papers enter it, only the owner
sees them, and a new dossier reuses them instead of uploading."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from archive.models import WarehouseItem
from archive.services import sync_digitized
from dossiers import results, services
from dossiers.models import Dossier, DossierFile, DossierStep
from dossiers.states import Delivery
from tests.dossiers.results_world import make_world, pdf_upload, result_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world():
    return make_world()


def _returned(world, delivery=Delivery.ONLINE, applicant=None):
    d = world.dossier(delivery=delivery, applicant=applicant)
    r = results.prepare_result(d, by=world.processor, title="Phiếu lý lịch tư pháp",
                               number="9/PLL", upload=pdf_upload())
    r = results.sign_result(r, by=world.leader)
    d = results.settle(d, by=world.processor)
    return d, r


def test_result_returned_online_enters_the_warehouse(world):
    _d, r = _returned(world)
    item = WarehouseItem.objects.get()
    assert item.owner_key == "038090001234" and item.result == r
    assert item.kind == WarehouseItem.Kind.RESULT and item.sha256 == r.sha256


def test_result_handed_over_at_the_counter_enters_too_but_not_by_post(world):
    d, r = _returned(world, Delivery.COUNTER)
    results.return_result(d, by=world.clerk, how="counter", received_by="An",
                          received_id_number="038090001234")
    d2, _r2 = _returned(world, Delivery.POST)
    results.return_result(d2, by=world.clerk, how="post", tracking_number="EL1")
    assert list(WarehouseItem.objects.values_list("result", flat=True)) == [r.pk]


def test_digitized_papers_of_own_dossiers_are_listed(world):
    d = world.dossier()
    paper = DossierFile(dossier=d, component=world.component, original_name="cccd.pdf",
                        content_type="application/pdf", size=10, sha256="x", digitized=True)
    paper.file.save("scan.pdf", ContentFile(result_pdf("CCCD")), save=False)
    paper.save()
    assert sync_digitized("038090001234") == 1
    assert sync_digitized("038090001234") == 0  # idempotent
    assert WarehouseItem.objects.get().dossier_file == paper


def test_owner_lists_and_downloads_others_get_404(client, world):
    _d, r = _returned(world)
    item = WarehouseItem.objects.get()
    client.force_login(world.citizen)
    html = client.get(reverse("warehouse:list")).content.decode()
    assert "Phiếu lý lịch tư pháp 9/PLL" in html
    response = client.get(reverse("warehouse:download", args=[item.pk]))
    assert response.status_code == 200 and response.content == results.read_file(r.signed_file)
    # another citizen, an officer of the agency, an anonymous visitor
    client.force_login(world.other_citizen)
    assert "Phiếu lý lịch" not in client.get(reverse("warehouse:list")).content.decode()
    assert client.get(reverse("warehouse:download", args=[item.pk])).status_code == 404
    client.force_login(world.leader)
    assert client.get(reverse("warehouse:list")).status_code == 404
    assert client.get(reverse("warehouse:download", args=[item.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("warehouse:download", args=[item.pk])).status_code == 302


def test_counter_dossier_without_account_is_keyed_by_personal_id(client, world):
    # registered at the counter for the person, not linked to any account
    d = services.start_draft(world.procedure, applicant=None, receiving_agency=world.agency,
                             channel="counter", delivery=Delivery.COUNTER,
                             applicant_name="Nguyễn Văn An",
                             applicant_id_number="038090001234")
    d = services.register_at_counter(d, by=world.clerk)
    d.refresh_from_db()
    if d.state == "received":
        from dossiers.services import _run

        d = _run(d, "start_processing", actor="system")


    DossierStep.objects.filter(dossier=d).update(finished_at=timezone.now())
    Dossier.objects.filter(pk=d.pk).update(current_step=None, processing_agency=world.agency)
    d.refresh_from_db()
    r = results.prepare_result(d, by=world.processor, title="Trích lục", upload=pdf_upload())
    results.sign_result(r, by=world.leader)
    d = results.settle(d, by=world.processor)
    results.return_result(d, by=world.clerk, how="counter", received_by="Nguyễn Văn An",
                          received_id_number="038090001234")
    client.force_login(world.citizen)
    assert "Trích lục" in client.get(reverse("warehouse:list")).content.decode()
    client.force_login(world.other_citizen)
    assert "Trích lục" not in client.get(reverse("warehouse:list")).content.decode()


def test_reuse_in_a_new_draft(client, world):
    _d, r = _returned(world)
    item = WarehouseItem.objects.get()
    draft = services.start_draft(world.procedure, applicant=world.citizen)
    client.force_login(world.citizen)
    page = client.get(reverse("dossiers_citizen:draft", args=[draft.pk])).content.decode()
    assert 'data-testid="warehouse-reuse"' in page
    response = client.post(reverse("warehouse:reuse", args=[draft.pk]),
                           {"item": item.pk, "component": world.component.pk})
    assert response.status_code == 302
    copied = DossierFile.objects.get(dossier=draft)
    assert copied.reused and copied.source == f"warehouse:{item.pk}"
    assert copied.component == world.component
    assert copied.sha256 == hashlib.sha256(results.read_file(r.signed_file)).hexdigest()


def test_reuse_denied_for_someone_elses_item_or_dossier(client, world):
    _returned(world)
    item = WarehouseItem.objects.get()
    other_draft = services.start_draft(world.procedure, applicant=world.other_citizen)
    client.force_login(world.other_citizen)
    assert client.post(reverse("warehouse:reuse", args=[other_draft.pk]), {
        "item": item.pk, "component": world.component.pk}).status_code == 404
    own_draft = services.start_draft(world.procedure, applicant=world.citizen)
    assert client.post(reverse("warehouse:reuse", args=[own_draft.pk]), {
        "item": item.pk, "component": world.component.pk}).status_code == 404
    assert not DossierFile.objects.filter(reused=True).exists()
