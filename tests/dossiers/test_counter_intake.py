"""D3: counter, postal and representative intake — the officer registers a dossier for a person
present (looked up or typed), scans the paper components and receives it at once."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.states import Channel, Delivery, State
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from procedures.models import DossierComponent
from tests.dossiers.test_intake_queue import World, at
from tests.factories import officer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def world(db) -> World:
    w = World()
    w.declaration = DossierComponent.objects.create(
        procedure=w.procedure, order=1, name="Tờ khai đăng ký khai sinh", originals=1)
    w.certificate = DossierComponent.objects.create(
        procedure=w.procedure, order=2, name="Giấy chứng sinh", originals=1)
    w.optional = DossierComponent.objects.create(
        procedure=w.procedure, order=3, name="Văn bản ủy quyền",
        requirement=DossierComponent.Requirement.CONDITIONAL, condition="Khi nộp thay")
    return w


def url(world: World, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"procedure": world.procedure.pk, **params}.items())
    return f"{reverse('intake:counter')}?{query}"


def post_data(world: World, **overrides) -> dict:
    data = {
        "agency": world.agency.pk, "channel": Channel.COUNTER,
        "applicant_id_number": "038090001234", "applicant_name": "Nguyễn Văn An",
        "applicant_address": "12 Lê Lợi, Hạc Thành", "applicant_phone": "0912345678",
        "delivery": Delivery.COUNTER,
        f"component_{world.declaration.pk}": SimpleUploadedFile("to-khai.pdf", PDF),
        f"component_{world.certificate.pk}": SimpleUploadedFile("chung-sinh.png", PNG),
    }
    data.update(overrides)
    return data


def test_choose_a_procedure_of_the_agency(world, client):
    client.force_login(world.clerk)
    page = client.get(reverse("intake:counter")).content.decode()
    assert "Đăng ký khai sinh" in page and "Thủ tục của xã khác" not in page
    response = client.get(f"{reverse('intake:counter')}?procedure={world.foreign_procedure.pk}")
    assert response.status_code == 200
    assert "Hãy chọn một thủ tục do cơ quan của bạn tiếp nhận." in response.content.decode()
    assert client.get(f"{reverse('intake:counter')}?procedure=abc").status_code == 200


def test_lookup_fills_the_citizens_details_and_is_audited(world, client):
    client.force_login(world.clerk)
    response = client.get(url(world, lookup="038090001234"))
    form = response.context["form"]
    assert form.initial["applicant_name"] == "Nguyễn Văn An"
    assert form.initial["applicant_address"] == "12 Lê Lợi, Hạc Thành"
    assert form.initial["applicant_phone"] == "0912345678"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA,
                                     object_id=str(world.citizen.pk)).exists()
    response = client.get(url(world, lookup="000000000000"))
    assert "Không có công dân đã đăng ký với số định danh này" in response.content.decode()


def test_counter_intake_of_a_known_citizen_is_received_at_once(world, client):
    client.force_login(world.clerk)
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        response = client.post(url(world), post_data(world), follow=True)
    dossier = Dossier.objects.get()
    assert dossier.state == State.PROCESSING
    assert dossier.applicant == world.citizen
    assert dossier.channel == Channel.COUNTER
    assert dossier.code == "000.01.30.H56-260309-0001"
    assert dossier.processing_due_at == at(2026, 3, 16, 17, 30)
    assert response.redirect_chain[-1][0] == reverse("intake:dossier", args=[dossier.pk])
    page = response.content.decode()
    assert dossier.code in page and "17:30 16/03/2026" in page
    files = list(dossier.files.order_by("component__order"))
    assert [f.component for f in files] == [world.declaration, world.certificate]
    assert all(f.digitized and f.uploaded_by == world.clerk for f in files)
    assert [f.content_type for f in files] == ["application/pdf", "image/png"]
    assert files[0].file.read() == PDF
    event = dossier.events.first()
    assert (event.transition, event.actor) == ("register_at_counter", world.clerk)


def test_postal_intake_by_a_representative_for_a_typed_applicant(world, client):
    client.force_login(world.clerk)
    data = post_data(
        world, channel=Channel.POSTAL, applicant_id_number="038199009999",
        applicant_name="Lê Thị Bình", applicant_address="5 Trần Phú, Hạc Thành",
        representative_name="Phạm Văn Cường", representative_id_number="038088001111",
        representative_authorisation="Giấy ủy quyền số 12/UQ ngày 02/03/2026",
        delivery=Delivery.POST, delivery_address="5 Trần Phú, Hạc Thành",
        **{f"component_{world.optional.pk}": SimpleUploadedFile("uy-quyen.pdf", PDF)})
    response = client.post(url(world), data, follow=True)
    dossier = Dossier.objects.get()
    assert dossier.state == State.PROCESSING and dossier.channel == Channel.POSTAL
    assert dossier.applicant is None  # nobody registered with this ID: the typed identity
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Lê Thị Bình",
                                                                     "038199009999")
    assert (dossier.representative_name, dossier.representative_id_number) == (
        "Phạm Văn Cường", "038088001111")
    assert dossier.files.count() == 3
    page = response.content.decode()
    assert 'data-testid="representative"' in page and "Phạm Văn Cường" in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"applicant_name": "", "applicant_id_number": ""}, "Hãy nhập họ tên người nộp"),
    ({"representative_name": "Phạm Văn Cường"}, "Với người đại diện, hãy nhập họ tên"),
    ({"delivery": Delivery.POST}, "Hãy nhập địa chỉ nhận kết quả qua bưu chính"),
    ({"component_DECL": None}, "Hãy quét và tải lên “Tờ khai đăng ký khai sinh”"),
    ({"component_DECL": ("to-khai.pdf", b"MZ not a pdf")},
     "nội dung tệp không thuộc định dạng được chấp nhận"),
    ({"component_DECL": ("virus.pdf", b"%PDF-1.4 $EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")},
     "tệp chứa dấu hiệu mã độc"),
])
def test_bad_counter_input_is_refused_with_a_clear_message(world, client, overrides, message):
    client.force_login(world.clerk)
    if "component_DECL" in overrides:
        value = overrides.pop("component_DECL")
        overrides[f"component_{world.declaration.pk}"] = (
            SimpleUploadedFile(*value) if value else None)
    data = {k: v for k, v in post_data(world, **overrides).items() if v is not None}
    response = client.post(url(world), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dossier.objects.exists()


def test_counter_intake_is_for_intake_officers_only(world, client):
    assert client.get(reverse("intake:counter")).status_code == 302
    client.force_login(world.citizen)
    assert client.get(reverse("intake:counter")).status_code == 403
    client.force_login(officer(world.agency, Role.PROCESSING_OFFICER))
    assert client.post(url(world), post_data(world)).status_code == 403
    # An officer of another agency cannot register for this agency's procedure.
    client.force_login(world.foreign_clerk)
    client.post(url(world), post_data(world))
    assert not Dossier.objects.exists()
