"""The e-form PDF in the legal layout: national motto with diacritics, form code, values,
signature block, Noto Serif embedded (checked with poppler's pdftotext / pdffonts)."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from portal.agencies.models import Province
from procedures.models import FilledForm
from tests.procedures.factories_eforms import make_citizen, make_eform

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def filled(client):
    Province.objects.create(name="Tỉnh Thái Nguyên", code="H56")
    eform = make_eform()
    user = make_citizen()
    client.force_login(user)
    return FilledForm.objects.create(version=eform.current_version, user=user, data={
        "ho_ten": "Nguyễn Thị Hoa", "so_dinh_danh": "019090001234", "ngay_sinh": "1990-05-17",
        "noi_cu_tru": {"province": 19, "commune": 5443, "street": "Tổ 5"},
        "ten_tre": "Trần Minh An", "gioi_tinh": "nu",
        "thanh_vien": [{"ho_ten": "Lê Văn Bình", "quan_he": "Hàng xóm"}], "cam_doan": True,
    })


def test_filled_pdf_has_the_legal_layout(client, filled, tmp_path):
    response = client.get(reverse("eforms:filled_pdf", kwargs={"pk": filled.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Mẫu 1.001193.TK01" in text
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text
    assert "Trần Minh An" in text and "17/05/1990" in text and "Nữ" in text
    assert "Tổ 5, Phường Phan Đình Phùng, Thái Nguyên" in text
    assert "Lê Văn Bình" in text  # the group table
    day = filled.created_at.astimezone().strftime("%d")
    assert f"Thái Nguyên, ngày {day} tháng" in text
    assert "NGƯỜI KHAI" in text and "(Người khai ký, ghi rõ họ tên)" in text


def test_noto_serif_is_embedded(client, filled, tmp_path):
    response = client.get(reverse("eforms:filled_pdf", kwargs={"pk": filled.pk}))
    fonts = [line for line in pdf_fonts(response.content, tmp_path).splitlines()
             if "Noto-Serif" in line]
    assert fonts, "no Noto Serif font in the PDF"
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column


def test_blank_form_is_public_with_dotted_lines_to_fill_by_hand(client, tmp_path):
    eform = make_eform(signature_required=False)
    response = client.get(reverse("eforms:blank_pdf", kwargs={"code": "1.001193",
                                                                "symbol": eform.symbol}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Độc lập - Tự do - Hạnh phúc" in text and "Mẫu 1.001193.TK01" in text
    assert "ngày …… tháng …… năm ……" in " ".join(text.split())
    assert "Người khai ký" not in text  # no signature line when the form does not ask for it


def test_blank_form_of_an_unpublished_procedure_is_not_found(client):
    make_eform(published=False)
    assert client.get(reverse("eforms:blank_pdf", kwargs={"code": "1.001193",
                                                          "symbol": "TK01"})).status_code == 404
