"""The tracking book (Sổ theo dõi hồ sơ, LEGAL-NOTES §4.7): per agency, field and period, on
screen, as PDF and as Excel; scoped by VIEW_AGENCY_WORK."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dossiers import results, services
from dossiers.models import Dossier
from dossiers.states import Delivery
from portal.accounts.roles import Role
from procedures.models import Field
from procedures.services import publish
from tests.dossiers.results_world import make_world, pdf_upload
from tests.factories import AgencyFactory, officer
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def book_world():
    world = make_world()
    returned = world.dossier(delivery=Delivery.COUNTER)
    Dossier.objects.filter(pk=returned.pk).update(applicant_address="12 Lê Lợi",
                                                  applicant_phone="0912345678")
    r = results.prepare_result(returned, by=world.processor, title="KQ", upload=pdf_upload())
    results.sign_result(r, by=world.leader)
    returned = results.settle(returned, by=world.processor)
    results.return_result(returned, by=world.clerk, how="counter",
                          received_by="Nguyễn Văn An", received_id_number="038090001234")
    pending = world.dossier(delivery=Delivery.POST)
    # a dossier of another field is not in this field's book
    other_field = Field.objects.create(code="XD", name="Xây dựng")
    proc = ProcedureFactory(owner_agency=world.agency, field=other_field, name="Cấp phép XD")
    proc.receiving_agencies.add(world.agency)
    publish(proc)
    other = services.register_at_counter(
        services.start_draft(proc, applicant=world.citizen, channel="counter",
                             receiving_agency=world.agency), by=world.clerk)
    returned.refresh_from_db()
    return world, returned, pending, other


def _params(world, **extra):
    today = timezone.localdate().isoformat()
    return {"agency": world.agency.pk, "field": world.procedure.field_id, "start": today,
            "end": today, **extra}


def test_screen_lists_the_agency_field_and_period(client, book_world):
    world, returned, pending, other = book_world
    client.force_login(world.clerk)
    html = client.get(reverse("tracking:book"), _params(world)).content.decode()
    assert returned.code in html and pending.code in html and other.code not in html
    assert "Nguyễn Văn An (038090001234)" in html  # who received it at the counter
    assert "12 Lê Lợi — 0912345678" in html
    assert html.count('data-testid="book-row"') == 2
    # all fields
    html = client.get(reverse("tracking:book"), _params(world, field="")).content.decode()
    assert other.code in html


def test_screen_is_paginated(client, book_world, monkeypatch):
    from dossiers import tracking_views

    world, *_rest = book_world
    monkeypatch.setattr(tracking_views, "PAGE_SIZE", 1)
    client.force_login(world.clerk)
    html = client.get(reverse("tracking:book"), _params(world)).content.decode()
    assert html.count('data-testid="book-row"') == 1 and 'data-testid="next-page"' in html
    html = client.get(reverse("tracking:book"), _params(world, page=2)).content.decode()
    assert html.count('data-testid="book-row"') == 1 and "<td>2</td>" in html


def test_pdf_holds_the_rows(client, book_world, tmp_path):
    world, returned, pending, other = book_world
    client.force_login(world.leader)
    response = client.get(reverse("tracking:pdf"), _params(world))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "book.pdf"
    path.write_bytes(response.content)
    text = " ".join(subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                                   check=True, capture_output=True, text=True).stdout.split())
    assert "SỔ THEO DÕI HỒ SƠ" in text.upper()
    assert returned.code in text and pending.code in text and other.code not in text
    assert "038090001234" in text  # who received it at the counter


def test_excel_holds_the_rows(client, book_world):
    world, returned, pending, _other = book_world
    client.force_login(world.clerk)
    response = client.get(reverse("tracking:xlsx"), _params(world))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    codes = [row[1] for row in values]
    assert codes == [returned.code, pending.code]
    first = values[0]
    assert first[0] == 1 and first[3] == "Nguyễn Văn An" and first[5] == "Sở Tư pháp"
    assert "Nguyễn Văn An (038090001234)" in first[9] and first[8]  # returned at
    assert values[1][8] in (None, "")  # not returned yet
    assert "bưu chính" in values[1][9]


def test_scoped_by_view_agency_work(client, book_world):
    world, returned, *_rest = book_world
    # an officer of another agency cannot pick this agency: the form refuses it
    client.force_login(world.other_leader)
    html = client.get(reverse("tracking:book"), _params(world)).content.decode()
    assert returned.code not in html
    assert client.get(reverse("tracking:pdf"), _params(world)).status_code == 400
    assert client.get(reverse("tracking:xlsx"), _params(world)).status_code == 400
    # citizens have no book at all
    client.force_login(world.citizen)
    assert client.get(reverse("tracking:book")).status_code == 403
    assert client.get(reverse("tracking:xlsx"), _params(world)).status_code == 403


def test_a_parent_agency_officer_sees_a_sub_agency_book(client, book_world):
    world, returned, *_rest = book_world
    parent = AgencyFactory(name="UBND tỉnh")
    world.agency.parent = parent
    world.agency.save()
    supervisor = officer(parent, Role.AGENCY_LEADER)
    supervisor.memberships.update(started_at=datetime(2020, 1, 1, tzinfo=UTC))
    client.force_login(supervisor)
    html = client.get(reverse("tracking:book"), _params(world)).content.decode()
    assert returned.code in html
