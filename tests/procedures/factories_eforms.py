"""A published procedure with an e-form covering every field type, for the e-form tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from procedures.models import EForm, EFormVersion, Field, Procedure
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory

DEFINITION: dict[str, Any] = {
    "title": "Tờ khai đăng ký khai sinh",
    "intro": "Kính gửi: Ủy ban nhân dân xã",
    "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên người yêu cầu",
         "required": True, "max_length": 100, "autofill": "full_name"},
        {"name": "so_dinh_danh", "type": "personal_id", "label": "Số định danh cá nhân",
         "required": True, "autofill": "personal_id"},
        {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "autofill": "date_of_birth"},
        {"name": "dien_thoai", "type": "phone", "label": "Số điện thoại", "autofill": "phone"},
        {"name": "email", "type": "email", "label": "Thư điện tử", "autofill": "email"},
        {"name": "noi_cu_tru", "type": "address", "label": "Nơi cư trú", "required": True,
         "autofill": "address"},
        {"name": "ten_tre", "type": "text", "label": "Họ, chữ đệm, tên người được khai sinh",
         "required": True},
        {"name": "gioi_tinh", "type": "choice", "label": "Giới tính",
         "choices": [["nam", "Nam"], ["nu", "Nữ"]]},
        {"name": "so_ban_sao", "type": "number", "label": "Số bản sao đề nghị cấp", "min": 0,
         "max": 10, "decimals": 0},
        {"name": "ghi_chu", "type": "textarea", "label": "Ghi chú"},
        {"name": "thanh_vien", "type": "group", "label": "Người làm chứng", "min": 0, "max": 3,
         "fields": [
             {"name": "ho_ten", "type": "text", "label": "Họ tên", "required": True},
             {"name": "quan_he", "type": "text", "label": "Quan hệ"},
         ]},
        {"name": "giay_to", "type": "attachment", "label": "Giấy chứng sinh",
         "accept": ["pdf", "jpg", "png"], "max_size_mb": 1},
        {"name": "cam_doan", "type": "checkbox",
         "label": "Tôi cam đoan những nội dung khai trên đây là đúng sự thật", "required": True},
    ],
}

PERSONAL_ID = "019090001234"


def make_eform(*, code: str = "1.001193", symbol: str = "TK01",
               definition: dict[str, Any] | None = None, signature_required: bool = True,
               published: bool = True) -> EForm:
    field, _created = Field.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        national_code=code, name="Đăng ký khai sinh", field=field,
        owner_agency=AgencyFactory(), online_level="full", processing_time=1)
    form = EForm.objects.create(procedure=procedure, symbol=symbol,
                                name="Tờ khai đăng ký khai sinh",
                                signature_required=signature_required)
    EFormVersion.objects.create(form=form, number=1, definition=definition or DEFINITION)
    if published:
        publish(procedure)
    return form


def make_citizen(**kwargs: Any):
    values = {"full_name": "Nguyễn Thị Hoa", "personal_id": PERSONAL_ID,
              "date_of_birth": date(1990, 5, 17), "phone": "0912345678",
              "address": "Tổ 5, Phường Phan Đình Phùng, Thái Nguyên"}
    values.update(kwargs)
    return UserFactory(**values)
