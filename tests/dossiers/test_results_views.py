"""Result pages (D7): the leader prepares and signs, the result page validates the signature,
the counter records the hand-over, pickup list, citizen download — and every denial."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers import results
from dossiers.models import DossierEvent, DossierResult
from dossiers.states import Delivery, State
from portal.audit.models import AuditEntry
from tests.dossiers.results_world import make_world, pdf_upload, result_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world():
    return make_world()


def _signed(world, delivery=Delivery.COUNTER):
    d = world.dossier(delivery=delivery)
    r = results.prepare_result(d, by=world.processor, title="Phiếu lý lịch tư pháp",
                               upload=pdf_upload())
    return d, results.sign_result(r, by=world.leader)


def test_leader_prepares_signs_and_sees_a_valid_signature(client, world):
    d = world.dossier(delivery=Delivery.COUNTER)
    client.force_login(world.leader)
    page = reverse("results:dossier", args=[d.pk])
    assert 'data-testid="prepare-form"' in client.get(page).content.decode()
    client.post(reverse("results:prepare", args=[d.pk]), {
        "title": "Quyết định cấp phép", "number": "5/QĐ",
        "content": "Điều 1. Cấp phép.\nĐiều 2. Hiệu lực."})
    html = client.get(page).content.decode()
    assert "Quyết định cấp phép" in html and 'data-testid="sign-form"' in html
    assert reverse("results:to_sign") and d.code in client.get(
        reverse("results:to_sign")).content.decode()
    client.post(reverse("results:sign", args=[d.pk]), {"visible": "on"})
    html = client.get(page).content.decode()
    assert 'data-valid="true"' in html and "Hoàng Minh Đức" in html
    assert 'data-testid="settle-form"' in html
    client.post(reverse("results:settle", args=[d.pk]))
    d.refresh_from_db()
    assert d.state == State.SETTLED


def test_tampered_signed_file_shows_invalid_signature(client, world):
    d, r = _signed(world)
    signed = bytearray(results.read_file(r.signed_file))
    signed[signed.find(b"stream") + 20] ^= 1
    with r.signed_file.storage.open(r.signed_file.name, "wb") as fh:
        fh.write(bytes(signed))
    client.force_login(world.leader)
    html = client.get(reverse("results:dossier", args=[d.pk])).content.decode()
    assert 'data-valid="false"' in html


def test_processing_officer_cannot_sign_nor_see_the_sign_form(client, world):
    d = world.dossier()
    results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())
    client.force_login(world.processor)
    html = client.get(reverse("results:dossier", args=[d.pk])).content.decode()
    assert 'data-testid="sign-form"' not in html
    client.post(reverse("results:sign", args=[d.pk]), {})
    assert not DossierResult.objects.get(dossier=d).is_signed


def test_other_agency_and_citizen_get_404(client, world):
    d, r = _signed(world)
    for user in (world.other_leader, world.citizen):
        client.force_login(user)
        assert client.get(reverse("results:dossier", args=[d.pk])).status_code == 404
        assert client.get(reverse("results:file", args=[r.pk])).status_code == 404
        assert client.post(reverse("results:settle", args=[d.pk])).status_code == 404
        assert client.post(reverse("results:prepare", args=[d.pk]),
                           {"title": "x", "content": "y"}).status_code == 404
    d.refresh_from_db()
    assert d.state == State.PROCESSING


def test_counter_hand_over_and_pickup_list(client, world):
    d, _r = _signed(world, Delivery.COUNTER)
    results.settle(d, by=world.processor)
    client.force_login(world.clerk)
    pickup = client.get(reverse("results:pickup")).content.decode()
    assert d.code in pickup
    client.force_login(world.other_leader)
    assert client.get(reverse("results:pickup")).status_code == 404  # no counter role
    client.force_login(world.clerk)
    response = client.post(reverse("results:hand_over", args=[d.pk]), {
        "how": "counter", "received_by": "Nguyễn Văn An",
        "received_id_number": "038090001234", "received_at": "2026-01-05T09:30"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == State.RETURNED
    event = DossierEvent.objects.get(dossier=d, transition="return_result")
    assert event.data["received_by"] == "Nguyễn Văn An"
    assert event.data["received_at"].startswith("2026-01-05T09:30")
    html = client.get(reverse("results:dossier", args=[d.pk])).content.decode()
    assert 'data-testid="hand-over-who"' in html and "038090001234" in html
    assert d.code not in client.get(reverse("results:pickup")).content.decode()


def test_pickup_list_is_paginated(client, world, settings):
    from dossiers import results_views

    results_views.PAGE_SIZE, old = 1, results_views.PAGE_SIZE
    try:
        for _ in range(2):
            d, _r = _signed(world, Delivery.COUNTER)
            results.settle(d, by=world.processor)
        client.force_login(world.clerk)
        html = client.get(reverse("results:pickup")).content.decode()
        assert html.count('data-testid="pickup-row"') == 1 and 'data-testid="next-page"' in html
    finally:
        results_views.PAGE_SIZE = old


def test_citizen_downloads_only_his_signed_returned_result(client, world):
    d, r = _signed(world, Delivery.ONLINE)
    client.force_login(world.citizen)
    url = reverse("results:download", args=[r.pk])
    assert client.get(url).status_code == 404  # not returned yet
    results.settle(d, by=world.processor)
    response = client.get(url)
    assert response.status_code == 200 and response.content == results.read_file(r.signed_file)
    assert AuditEntry.objects.filter(message__contains=f"downloaded result {r.pk}").exists()
    detail = client.get(reverse("dossiers_citizen:detail", args=[d.pk])).content.decode()
    assert 'data-testid="result-download"' in detail
    client.force_login(world.other_citizen)
    assert client.get(url).status_code == 404


def test_unsigned_result_never_downloadable_by_citizen(client, world):
    d = world.dossier()
    r = results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())
    client.force_login(world.citizen)
    assert client.get(reverse("results:download", args=[r.pk])).status_code == 404


def test_upload_of_a_non_pdf_is_refused_on_the_page(client, world):
    d = world.dossier()
    client.force_login(world.processor)
    client.post(reverse("results:prepare", args=[d.pk]), {
        "title": "KQ", "upload": pdf_upload("x.pdf", b"GIF89a" + result_pdf()[6:])},
        follow=True)
    assert not DossierResult.objects.filter(dossier=d).exists()


def test_home_pages_link_to_the_results_work(client, world):
    client.force_login(world.leader)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'data-testid="link-to-sign"' in html and 'data-testid="link-tracking-book"' in html
    assert 'data-testid="link-pickup"' not in html
    client.force_login(world.clerk)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'data-testid="link-pickup"' in html and 'data-testid="link-to-sign"' not in html
    client.force_login(world.citizen)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'data-testid="link-warehouse"' in html and 'data-testid="link-pickup"' not in html


def test_hand_over_and_lists_denied_outside_the_agency(client, world):
    d, _r = _signed(world, Delivery.COUNTER)
    results.settle(d, by=world.processor)
    client.force_login(world.other_leader)
    response = client.post(reverse("results:hand_over", args=[d.pk]), {
        "how": "counter", "received_by": "X", "received_id_number": "1"})
    assert response.status_code == 404
    assert d.code not in client.get(reverse("results:to_sign")).content.decode()
    client.force_login(world.processor)  # sees the dossier but may not hand results over
    client.post(reverse("results:hand_over", args=[d.pk]), {
        "how": "counter", "received_by": "X", "received_id_number": "1"})
    d.refresh_from_db()
    assert d.state == State.SETTLED
    assert client.get(reverse("results:to_sign")).status_code == 404  # not a leader
    client.force_login(world.citizen)
    assert client.get(reverse("results:pickup")).status_code == 404
    assert client.get(reverse("results:to_sign")).status_code == 404


def test_to_sign_lists_unsigned_results_of_the_leaders_agency(client, world):
    d = world.dossier()
    results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())
    client.force_login(world.leader)
    html = client.get(reverse("results:to_sign")).content.decode()
    assert f'data-code="{d.code}"' in html
    results.sign_result(d.results.get(), by=world.leader)
    html = client.get(reverse("results:to_sign")).content.decode()
    assert f'data-code="{d.code}"' not in html
