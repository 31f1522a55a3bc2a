"""D4: the receipt, the request to complete and the refusal as PDF (Circular 03/2025 Annex I):
their text, identical on regeneration, rendered once by the Celery task, downloaded only by the
applicant and the receiving agency's officers."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dossiers import services
from dossiers.documents import render
from dossiers.documents import services as documents
from dossiers.models import Dossier, DossierDocument
from dossiers.tasks import render_document
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.agencies.models import Province
from portal.audit.models import AuditEntry
from procedures.models import DossierComponent
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_BASE_URL = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def setup(db):
    Province.objects.create(name="Tỉnh Thanh Hóa", code="H56", domain="dichvucong.example.vn")
    agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành",
                           counter_phone="0237 3852 111")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5),
                                 name="Đăng ký khai sinh", national_code="1.001193")
    DossierComponent.objects.create(procedure=procedure, order=1, name="Tờ khai đăng ký khai sinh",
                                    originals=1)
    DossierComponent.objects.create(procedure=procedure, order=2, name="Giấy chứng sinh",
                                    copies=1)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(personal_id="038090001234", full_name="Nguyễn Văn An",
                          phone="0912345678", address="Số 5 đường Lê Lợi")
    clerk = officer(agency, Role.INTAKE_OFFICER, full_name="Lê Thị Bình")
    Membership.objects.update(started_at=at(2020, 1, 1))
    return procedure, agency, citizen, clerk


def submitted(setup) -> Dossier:
    procedure, _agency, citizen, _clerk = setup
    dossier = services.start_draft(procedure, applicant=citizen)
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        services.submit(dossier, by=citizen)
    dossier.refresh_from_db()
    return dossier


def issued(dossier: Dossier, transition: str, kind: str) -> DossierDocument:
    return documents.issue(dossier.events.get(transition=transition), kind)


@pytest.fixture
def receipt(setup) -> DossierDocument:
    dossier = submitted(setup)
    with time_machine.travel(at(2026, 3, 9, 9, 30), tick=False):
        services.accept(dossier, by=setup[3])
    return issued(dossier, "accept", "receipt")


def test_receipt_carries_the_legal_fields(receipt, tmp_path):
    text = flat(pdf_text(documents.render_pdf(receipt), tmp_path))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "000.01.30.H56-260309-0001" in text
    assert "UBND PHƯỜNG HẠC THÀNH" in text
    assert "Nguyễn Văn An" in text and "038090001234" in text and "0912345678" in text
    assert "Đăng ký khai sinh" in text and "Giấy chứng sinh" in text
    assert "09 giờ 30 phút, ngày 09/03/2026" in text  # received
    assert "17 giờ 30 phút, ngày 16/03/2026" in text  # due: 5 working days
    assert "5 ngày làm việc" in text
    assert "Thanh Hóa, ngày 09 tháng 03 năm 2026" in text
    assert "Lê Thị Bình" in text  # the receiving officer
    assert f"Số: {receipt.pk}/TNHS" in text


def test_receipt_qr_code_opens_the_public_lookup(receipt, settings):
    url = "https://dichvucong.example.vn/tra-cuu/?ma=000.01.30.H56-260309-0001"
    html = render.render_html(receipt)
    assert 'src="data:image/svg+xml' in html
    assert url in html
    settings.PORTAL_BASE_URL = "https://dvc.thanhhoa.gov.vn/"
    assert render.lookup_url("A-1") == "https://dvc.thanhhoa.gov.vn/tra-cuu/?ma=A-1"


def test_completion_request_lists_every_defect(setup, tmp_path):
    dossier = submitted(setup)
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        services.ask_to_complete(dossier, by=setup[3], reason="Hồ sơ chưa hợp lệ",
                                 defects=["Thiếu bản sao giấy chứng sinh", "Tờ khai chưa ký"])
    document = issued(dossier, "ask_to_complete", "completion_request")
    text = flat(pdf_text(documents.render_pdf(document), tmp_path))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nguyễn Văn An" in text and dossier.code in text and "Đăng ký khai sinh" in text
    assert "1. Thiếu bản sao giấy chứng sinh" in text and "2. Tờ khai chưa ký" in text
    assert "Hồ sơ chưa hợp lệ" in text
    assert "17 giờ 30 phút, ngày 30/03/2026" in text  # 15 working days to complete
    assert "Lê Thị Bình" in text and "0237 3852 111" in text


def test_refusal_gives_the_reasons(setup, tmp_path):
    dossier = submitted(setup)
    with time_machine.travel(at(2026, 3, 9, 11, 0), tick=False):
        services.refuse(dossier, by=setup[3],
                        reasons="Không thuộc thẩm quyền giải quyết\nĐã có kết quả trước đó")
    document = issued(dossier, "refuse", "refusal")
    text = flat(pdf_text(documents.render_pdf(document), tmp_path))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nguyễn Văn An" in text and "038090001234" in text and dossier.code in text
    assert "1. Không thuộc thẩm quyền giải quyết" in text
    assert "2. Đã có kết quả trước đó" in text


def test_regenerating_gives_the_same_text_whenever_it_runs(receipt, tmp_path):
    first = pdf_text(documents.render_pdf(receipt), tmp_path)
    with time_machine.travel(at(2027, 1, 4, 15, 0), tick=False):
        again = pdf_text(documents.render_pdf(DossierDocument.objects.get(pk=receipt.pk)),
                         tmp_path)
    assert again == first


def test_issue_is_once_per_event_and_kind(receipt):
    event = receipt.event
    assert documents.issue(event, "receipt") == receipt
    assert DossierDocument.objects.filter(event=event).count() == 1
    with pytest.raises(ValueError):
        documents.issue(event, "refusal")  # an acceptance does not issue a refusal


def test_the_task_renders_once_and_stores_privately(receipt, media):
    assert render_document(receipt.pk) is True
    receipt.refresh_from_db()
    path = media / receipt.file.name
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and receipt.sha256 == hashlib.sha256(content).hexdigest()
    assert receipt.file.name.startswith(f"dossiers/{receipt.dossier_id}/documents/receipt-")
    name, mtime = receipt.file.name, path.stat().st_mtime_ns
    assert render_document.delay(receipt.pk).get() is True  # a second run (or a retry)
    receipt.refresh_from_db()
    assert receipt.file.name == name and path.stat().st_mtime_ns == mtime
    assert path.read_bytes() == content
    assert render_document(999999) is False  # a document deleted meanwhile


def test_a_lost_file_is_rendered_again(receipt, media):
    render_document(receipt.pk)
    receipt.refresh_from_db()
    (media / receipt.file.name).unlink()
    render_document(receipt.pk)
    receipt.refresh_from_db()
    assert (media / receipt.file.name).read_bytes().startswith(b"%PDF")


# -- download permissions ---------------------------------------------------------------------


def url(document: DossierDocument) -> str:
    return reverse("documents:download", kwargs={"pk": document.pk})


def test_the_applicant_downloads_their_receipt_rendered_on_demand(client, receipt, tmp_path):
    client.force_login(receipt.dossier.applicant)
    response = client.get(url(receipt))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert receipt.dossier.code in pdf_text(response.content, tmp_path)
    receipt.refresh_from_db()
    assert receipt.sha256  # rendered synchronously and stored
    assert not AuditEntry.objects.filter(action="view_personal_data").exists()


def test_other_citizens_get_404(client, receipt):
    client.force_login(UserFactory())
    assert client.get(url(receipt)).status_code == 404
    assert client.get(reverse("documents:download", kwargs={"pk": 999999})).status_code == 404


def test_an_officer_of_the_agency_downloads_and_is_audited(client, receipt, setup):
    reader = officer(setup[1], Role.PROCESSING_OFFICER)
    client.force_login(reader)
    response = client.get(url(receipt))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="view_personal_data")
    assert entry.actor_id == reader.pk and entry.object_id == str(receipt.dossier_id)


def test_an_officer_of_another_agency_gets_404(client, receipt):
    client.force_login(officer(AgencyFactory(), Role.INTAKE_OFFICER))
    assert client.get(url(receipt)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, receipt):
    response = client.get(url(receipt))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
