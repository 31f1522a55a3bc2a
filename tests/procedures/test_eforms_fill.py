"""Filling an e-form: autofill, server-side validation in Vietnamese, repeatable groups without
JavaScript, addresses, attachments, saving and who may see a filled form (P4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.eforms import services
from procedures.eforms.autofill import initial_values
from procedures.eforms.builder import build_form
from procedures.models import EForm, FilledForm
from tests.factories import UserFactory
from tests.procedures.factories_eforms import PERSONAL_ID, make_citizen, make_eform

pytestmark = pytest.mark.django_db

THAI_NGUYEN, PHAN_DINH_PHUNG, HOAN_KIEM = 19, 5443, 70
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture
def eform() -> EForm:
    return make_eform()


@pytest.fixture
def citizen(client):
    user = make_citizen()
    client.force_login(user)
    return user


def fill_url(form: EForm) -> str:
    return reverse("eforms:fill", kwargs={"code": form.procedure.national_code,
                                          "symbol": form.symbol})


def valid_post(**overrides: object) -> dict:
    data = {
        "ho_ten": "Nguyễn Thị Hoa", "so_dinh_danh": PERSONAL_ID, "ngay_sinh": "1990-05-17",
        "dien_thoai": "0912345678", "email": "hoa@example.vn",
        "noi_cu_tru__province": str(THAI_NGUYEN), "noi_cu_tru__commune": str(PHAN_DINH_PHUNG),
        "noi_cu_tru__street": "Tổ 5", "ten_tre": "Trần Minh An", "gioi_tinh": "nam",
        "so_ban_sao": "2", "ghi_chu": "", "thanh_vien-ROWS": "2",
        "thanh_vien-0-ho_ten": "Lê Văn Bình", "thanh_vien-0-quan_he": "Hàng xóm",
        "thanh_vien-1-ho_ten": "", "thanh_vien-1-quan_he": "", "cam_doan": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# -- access --------------------------------------------------------------------------------------


def test_sign_in_is_required(client, eform):
    response = client.get(fill_url(eform))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_only_forms_of_published_procedures_in_use(client, citizen):
    draft = make_eform(code="1.000001", published=False)
    assert client.get(fill_url(draft)).status_code == 404
    unused = make_eform(code="1.000002")
    EForm.objects.filter(pk=unused.pk).update(is_active=False)
    assert client.get(fill_url(unused)).status_code == 404
    assert client.get("/thu-tuc/1.999999/bieu-mau/TK01/").status_code == 404


def test_a_broken_definition_gives_not_found_not_a_server_error(client, citizen):
    broken = make_eform(code="1.000005", definition={"title": "T", "fields": [{"name": "x"}]})
    assert client.get(fill_url(broken)).status_code == 404


# -- autofill ------------------------------------------------------------------------------------


def test_fill_page_is_prefilled_from_the_identity(client, citizen, eform):
    html = client.get(fill_url(eform)).content.decode()
    assert 'value="Nguyễn Thị Hoa"' in html
    assert f'value="{PERSONAL_ID}"' in html
    assert 'value="1990-05-17"' in html
    assert f'<option value="{PHAN_DINH_PHUNG}" selected>' in html  # parsed from the address
    assert "Yêu cầu chữ ký" in html


def test_earlier_forms_fill_the_rest_but_identity_wins(citizen, eform):
    other = make_eform(code="1.000003", definition={"title": "Khác", "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ tên"},
        {"name": "ten_tre", "type": "text", "label": "Tên trẻ"},
        {"name": "cam_doan", "type": "checkbox", "label": "Cam đoan"}]})
    FilledForm.objects.create(version=other.current_version, user=citizen,
                              data={"ho_ten": "Tên cũ", "ten_tre": "Trần Minh An",
                                    "cam_doan": True, "gioi_tinh": "khong-co"})
    values = initial_values(eform.current_version, citizen)
    assert values["ho_ten"] == "Nguyễn Thị Hoa"  # identity beats the earlier value
    assert values["ten_tre"] == "Trần Minh An"  # reused from the other form
    assert "cam_doan" not in values  # a declaration is never ticked for the person
    assert "gioi_tinh" not in values  # not one of this form's choices


def test_someone_elses_forms_are_never_reused(citizen, eform):
    stranger = UserFactory()
    FilledForm.objects.create(version=eform.current_version, user=stranger,
                              data={"ten_tre": "Bí mật"})
    assert "ten_tre" not in initial_values(eform.current_version, citizen)


# -- validation ----------------------------------------------------------------------------------


def test_missing_required_field_shows_a_specific_vietnamese_error(client, citizen, eform):
    response = client.post(fill_url(eform), valid_post(ten_tre=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vui lòng nhập “Họ, chữ đệm, tên người được khai sinh”." in html
    assert FilledForm.objects.count() == 0


@pytest.mark.parametrize(("override", "message"), [
    ({"so_dinh_danh": "12345"}, "Số định danh cá nhân gồm đúng 12 chữ số."),
    ({"dien_thoai": "12ab"}, "0912345678"),
    ({"ngay_sinh": "31/02/1990"}, "“Ngày sinh”: nhập ngày theo dạng 31/12/1990."),
    ({"so_ban_sao": "11"}, "“Số bản sao đề nghị cấp”: không được lớn hơn 10."),
    ({"gioi_tinh": "khac"}, "“Giới tính”: hãy chọn một trong các lựa chọn có sẵn."),
    ({"cam_doan": None}, "Vui lòng đánh dấu “Tôi cam đoan"),
    ({"noi_cu_tru__commune": str(HOAN_KIEM)},
     "“Nơi cư trú”: Phường Hoàn Kiếm không thuộc Thái Nguyên"),
    ({"noi_cu_tru__province": ""}, "“Nơi cư trú”: hãy chọn tỉnh, thành phố."),
    ({"thanh_vien-0-ho_ten": "", "thanh_vien-0-quan_he": "Bạn"},
     "“Người làm chứng”, dòng 1: vui lòng nhập “Họ tên”."),
])
def test_bad_values_are_refused_with_specific_errors(client, citizen, eform, override, message):
    response = client.post(fill_url(eform), valid_post(**override))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FilledForm.objects.count() == 0


def test_personal_id_error_from_the_account_validator(client, citizen, eform):
    html = client.post(fill_url(eform), valid_post(so_dinh_danh="999012345678")).content.decode()
    assert "Ba chữ số đầu 999 không phải là mã tỉnh, thành phố." in html


# -- saving --------------------------------------------------------------------------------------


def test_valid_submission_saves_json_and_redirects_to_the_filled_page(client, citizen, eform):
    response = client.post(fill_url(eform), valid_post())
    filled = FilledForm.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("eforms:filled", kwargs={"pk": filled.pk})
    assert filled.user == citizen and filled.version == eform.current_version
    data = filled.data
    assert data["ngay_sinh"] == "1990-05-17"
    assert data["so_ban_sao"] == 2
    assert data["noi_cu_tru"] == {"province": THAI_NGUYEN, "commune": PHAN_DINH_PHUNG,
                                  "street": "Tổ 5"}
    assert data["thanh_vien"] == [{"ho_ten": "Lê Văn Bình", "quan_he": "Hàng xóm"}]
    assert data["cam_doan"] is True and data["giay_to"] is None
    page = client.get(response["Location"]).content.decode()
    assert "Trần Minh An" in page
    assert "Tổ 5, Phường Phan Đình Phùng, Thái Nguyên" in page
    assert "17/05/1990" in page
    assert reverse("eforms:filled_pdf", kwargs={"pk": filled.pk}) in page


def test_a_filled_form_is_visible_to_its_owner_only(client, citizen, eform):
    client.post(fill_url(eform), valid_post())
    filled = FilledForm.objects.get()
    client.force_login(UserFactory())
    assert client.get(reverse("eforms:filled", kwargs={"pk": filled.pk})).status_code == 404
    assert client.get(reverse("eforms:filled_pdf", kwargs={"pk": filled.pk})).status_code == 404
    client.logout()
    assert client.get(reverse("eforms:filled", kwargs={"pk": filled.pk})).status_code == 302


# -- repeatable groups without JavaScript --------------------------------------------------------


def test_add_row_button_rerenders_with_one_more_row_and_no_errors(client, citizen, eform):
    response = client.post(fill_url(eform), valid_post(ten_tre="", _add_row="thanh_vien"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="thanh_vien-2-ho_ten"' in html
    assert 'name="thanh_vien-ROWS" value="3"' in html
    assert 'value="Lê Văn Bình"' in html  # what was typed is kept
    assert "Vui lòng nhập" not in html
    assert FilledForm.objects.count() == 0


def test_rows_never_exceed_the_group_maximum(client, citizen, eform):
    html = client.post(fill_url(eform), valid_post(**{"thanh_vien-ROWS": "3",
                                                      "_add_row": "thanh_vien"})).content.decode()
    assert 'name="thanh_vien-3-ho_ten"' not in html
    assert 'name="_add_row"' not in html


def test_a_row_marked_for_removal_is_dropped(client, citizen, eform):
    client.post(fill_url(eform), valid_post(**{"thanh_vien-0-DELETE": "on"}))
    assert FilledForm.objects.get().data["thanh_vien"] == []


def test_group_minimum_rows(citizen, eform):
    definition = {"title": "T", "fields": [{"name": "g", "type": "group", "label": "Con",
                                            "min": 2, "max": 4, "fields": [
                                                {"name": "ten", "type": "text", "label": "Tên"}]}]}
    version = make_eform(code="1.000004", definition=definition).current_version
    form = build_form(version, data={"g-ROWS": "2", "g-0-ten": "An", "g-1-ten": ""})
    assert not form.is_valid()
    assert form.errors["g-ROWS"] == ["“Con”: cần khai ít nhất 2 dòng."]


def test_refresh_lists_the_communes_of_the_chosen_province(client, citizen, eform):
    html = client.post(fill_url(eform), valid_post(noi_cu_tru__province="1",
                                                   noi_cu_tru__commune="",
                                                   _refresh="noi_cu_tru")).content.decode()
    assert "Phường Hoàn Kiếm" in html and "Phường Phan Đình Phùng" not in html


def test_commune_list_endpoint(client):
    response = client.get(reverse("eforms:communes", kwargs={"province": THAI_NGUYEN}))
    names = [c["name"] for c in response.json()["communes"]]
    assert "Phường Phan Đình Phùng" in names and "Phường Hoàn Kiếm" not in names
    assert client.get(reverse("eforms:communes", kwargs={"province": 999})).status_code == 404


# -- attachments ---------------------------------------------------------------------------------


def test_a_pdf_attachment_is_stored_under_the_users_folder(client, citizen, eform, settings):
    upload = SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")
    response = client.post(fill_url(eform), {**valid_post(), "giay_to": upload})
    assert response.status_code == 302
    info = FilledForm.objects.get().data["giay_to"]
    assert info["path"].startswith(f"eforms/{citizen.pk}/") and info["path"].endswith(".pdf")
    assert info["name"] == "giay-chung-sinh.pdf" and info["content_type"] == "application/pdf"
    assert (Path(settings.MEDIA_ROOT) / info["path"]).read_bytes() == PDF


@pytest.mark.parametrize(("name", "content", "message"), [
    ("anh.pdf", b"MZ\x90\x00 not a pdf at all", "nội dung tệp không thuộc định dạng"),
    ("virus.pdf", b"%PDF-1.4\n" + EICAR, "tệp chứa dấu hiệu mã độc"),
    ("to.png", PNG + b"\x00" * (1024 * 1024 + 1), "chỉ chấp nhận tối đa 1 MB"),
])
def test_bad_attachments_are_refused(client, citizen, eform, settings, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = client.post(fill_url(eform), {**valid_post(), "giay_to": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FilledForm.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "eforms").exists()


# -- services ------------------------------------------------------------------------------------


def test_new_version_only_when_the_definition_changes(eform):
    current = eform.current_version
    assert services.new_version(eform, current.definition) == current
    changed = {**current.definition, "title": "Tờ khai mới"}
    assert services.new_version(eform, changed).number == 2
    with pytest.raises(services.ValidationError):
        services.new_version(eform, {"title": "", "fields": []})
