"""E-form definitions of the demo catalogue, in the format of ``procedures.eforms.schema``.

Labels follow the real declaration forms (Thông tư 04/2024/TT-BTP for civil status, Nghị định
175/2024/NĐ-CP for construction permits, …); the field lists are shortened for the demo.
"""

from __future__ import annotations

import copy
from typing import Any

Spec = dict[str, Any]

CAM_DOAN: Spec = {
    "name": "cam_doan", "type": "checkbox", "required": True,
    "label": "Tôi xin cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm "
             "trước pháp luật về lời cam đoan của mình.",
}

PERSON: list[Spec] = [
    {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên người yêu cầu",
     "required": True, "max_length": 100, "autofill": "full_name"},
    {"name": "ngay_sinh", "type": "date", "label": "Ngày, tháng, năm sinh", "required": True,
     "autofill": "date_of_birth"},
    {"name": "so_dinh_danh", "type": "personal_id", "label": "Số định danh cá nhân",
     "required": True, "autofill": "personal_id"},
    {"name": "noi_cu_tru", "type": "address", "label": "Nơi cư trú", "required": True,
     "autofill": "address"},
    {"name": "dien_thoai", "type": "phone", "label": "Số điện thoại liên hệ",
     "autofill": "phone"},
    {"name": "email", "type": "email", "label": "Thư điện tử", "autofill": "email"},
]

ORGANISATION: list[Spec] = [
    {"name": "ten_to_chuc", "type": "text", "label": "Tên tổ chức đề nghị", "required": True,
     "max_length": 255, "autofill": "organisation_name"},
    {"name": "ma_so", "type": "text", "label": "Mã số doanh nghiệp / mã số thuế",
     "max_length": 20, "autofill": "organisation_code"},
    {"name": "dia_chi_tru_so", "type": "address", "label": "Địa chỉ trụ sở chính",
     "required": True, "autofill": "address"},
    {"name": "nguoi_dai_dien", "type": "text",
     "label": "Họ, chữ đệm, tên người đại diện theo pháp luật", "required": True,
     "max_length": 100, "autofill": "full_name"},
    {"name": "chuc_vu", "type": "text", "label": "Chức vụ", "max_length": 100},
    {"name": "so_dinh_danh", "type": "personal_id", "label": "Số định danh cá nhân của người "
     "đại diện", "required": True, "autofill": "personal_id"},
    {"name": "dien_thoai", "type": "phone", "label": "Số điện thoại", "required": True,
     "autofill": "phone"},
    {"name": "email", "type": "email", "label": "Thư điện tử", "autofill": "email"},
]

GENDER: list[list[str]] = [["nam", "Nam"], ["nu", "Nữ"]]


def _attachment(name: str, label: str, required: bool = False) -> Spec:
    spec: Spec = {"name": name, "type": "attachment", "label": label,
                  "accept": ["pdf", "jpg", "png"], "max_size_mb": 10}
    if required:
        spec["required"] = True
    return spec


def _person_block(prefix: str, who: str, *, required: bool = True) -> list[Spec]:
    return [
        {"name": f"ho_ten_{prefix}", "type": "text", "label": f"Họ, chữ đệm, tên {who}",
         "required": required, "max_length": 100},
        {"name": f"ngay_sinh_{prefix}", "type": "date", "label": f"Ngày, tháng, năm sinh {who}",
         "required": required},
        {"name": f"dan_toc_{prefix}", "type": "text", "label": f"Dân tộc {who}",
         "max_length": 50},
        {"name": f"quoc_tich_{prefix}", "type": "text", "label": f"Quốc tịch {who}",
         "max_length": 50},
        {"name": f"so_dinh_danh_{prefix}", "type": "personal_id",
         "label": f"Số định danh cá nhân {who}", "required": required},
        {"name": f"noi_cu_tru_{prefix}", "type": "address", "label": f"Nơi cư trú {who}",
         "required": required},
    ]


KHAI_SINH: Spec = {
    "title": "Tờ khai đăng ký khai sinh",
    "fields": [
        *PERSON[:1], PERSON[2], PERSON[3],
        {"name": "quan_he", "type": "choice", "label": "Quan hệ với người được khai sinh",
         "required": True, "choices": [["me", "Mẹ"], ["cha", "Cha"], ["ong_ba", "Ông, bà"],
                                       ["nguoi_than", "Người thân thích khác"]]},
        PERSON[4], PERSON[5],
        {"name": "ten_tre", "type": "text", "label": "Họ, chữ đệm, tên người được khai sinh",
         "required": True, "max_length": 100},
        {"name": "ngay_sinh_tre", "type": "date", "label": "Ngày, tháng, năm sinh",
         "required": True},
        {"name": "gioi_tinh", "type": "choice", "label": "Giới tính", "required": True,
         "choices": GENDER, "widget": "radio"},
        {"name": "dan_toc", "type": "text", "label": "Dân tộc", "required": True,
         "max_length": 50},
        {"name": "quoc_tich", "type": "text", "label": "Quốc tịch", "required": True,
         "max_length": 50},
        {"name": "noi_sinh", "type": "text", "label": "Nơi sinh (tên cơ sở y tế hoặc địa chỉ)",
         "required": True, "max_length": 255},
        {"name": "que_quan", "type": "text", "label": "Quê quán", "max_length": 255},
        *_person_block("me", "của người mẹ"),
        *_person_block("cha", "của người cha", required=False),
        {"name": "so_ban_sao", "type": "number", "label": "Số bản sao Giấy khai sinh đề nghị cấp",
         "min": 0, "max": 10, "decimals": 0},
        _attachment("giay_chung_sinh", "Giấy chứng sinh (ảnh chụp hoặc bản quét)", True),
        CAM_DOAN,
    ],
}

KET_HON: Spec = {
    "title": "Tờ khai đăng ký kết hôn",
    "fields": [
        *_person_block("nu", "bên nữ"),
        {"name": "lan_ket_hon_nu", "type": "choice", "label": "Kết hôn lần thứ mấy (bên nữ)",
         "required": True, "choices": [["1", "Lần thứ nhất"], ["2", "Lần thứ hai"],
                                       ["3", "Lần thứ ba trở lên"]]},
        *_person_block("nam", "bên nam"),
        {"name": "lan_ket_hon_nam", "type": "choice", "label": "Kết hôn lần thứ mấy (bên nam)",
         "required": True, "choices": [["1", "Lần thứ nhất"], ["2", "Lần thứ hai"],
                                       ["3", "Lần thứ ba trở lên"]]},
        PERSON[4], PERSON[5],
        {"name": "so_ban_sao", "type": "number", "label": "Số bản sao Trích lục kết hôn đề nghị "
         "cấp", "min": 0, "max": 10, "decimals": 0},
        {"name": "cam_doan", "type": "checkbox", "required": True,
         "label": "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của "
                  "chúng tôi là tự nguyện, không vi phạm quy định của Luật Hôn nhân và gia "
                  "đình Việt Nam."},
    ],
}

KHAI_TU: Spec = {
    "title": "Tờ khai đăng ký khai tử",
    "fields": [
        *PERSON[:4],
        {"name": "quan_he", "type": "text", "label": "Quan hệ với người đã chết",
         "required": True, "max_length": 50},
        PERSON[4], PERSON[5],
        {"name": "ho_ten_nguoi_chet", "type": "text", "label": "Họ, chữ đệm, tên người đã chết",
         "required": True, "max_length": 100},
        {"name": "ngay_sinh_nguoi_chet", "type": "date", "label": "Ngày, tháng, năm sinh",
         "required": True},
        {"name": "gioi_tinh", "type": "choice", "label": "Giới tính", "required": True,
         "choices": GENDER, "widget": "radio"},
        {"name": "so_dinh_danh_nguoi_chet", "type": "personal_id",
         "label": "Số định danh cá nhân của người đã chết"},
        {"name": "noi_cu_tru_cuoi_cung", "type": "address", "label": "Nơi cư trú cuối cùng",
         "required": True},
        {"name": "ngay_chet", "type": "date", "label": "Đã chết vào ngày", "required": True},
        {"name": "noi_chet", "type": "text", "label": "Nơi chết", "required": True,
         "max_length": 255},
        {"name": "nguyen_nhan", "type": "text", "label": "Nguyên nhân chết", "max_length": 255},
        _attachment("giay_bao_tu", "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", True),
        CAM_DOAN,
    ],
}

TINH_TRANG_HON_NHAN: Spec = {
    "title": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
    "fields": [
        *PERSON[:4],
        {"name": "gioi_tinh", "type": "choice", "label": "Giới tính", "required": True,
         "choices": GENDER, "widget": "radio"},
        PERSON[4], PERSON[5],
        {"name": "tinh_trang", "type": "choice", "label": "Tình trạng hôn nhân",
         "required": True, "choices": [
             ["chua_ket_hon", "Chưa đăng ký kết hôn với ai"],
             ["da_ly_hon", "Đã đăng ký kết hôn nhưng đã ly hôn"],
             ["vo_chong_chet", "Đã đăng ký kết hôn nhưng vợ/chồng đã chết"],
             ["dang_co_vo_chong", "Hiện tại đang có vợ/chồng"]]},
        {"name": "muc_dich", "type": "textarea", "label": "Mục đích sử dụng Giấy xác nhận tình "
         "trạng hôn nhân", "required": True, "max_length": 500, "rows": 3},
        {"name": "so_luong", "type": "number", "label": "Số lượng Giấy xác nhận đề nghị cấp",
         "min": 1, "max": 10, "decimals": 0, "required": True},
        CAM_DOAN,
    ],
}

TRICH_LUC: Spec = {
    "title": "Tờ khai cấp bản sao trích lục hộ tịch",
    "fields": [
        *PERSON[:4], PERSON[4], PERSON[5],
        {"name": "ho_ten_nguoi_duoc_cap", "type": "text",
         "label": "Họ, chữ đệm, tên người được cấp bản sao trích lục", "required": True,
         "max_length": 100},
        {"name": "loai_giay", "type": "choice", "label": "Loại việc hộ tịch đã đăng ký",
         "required": True, "choices": [["khai_sinh", "Khai sinh"], ["ket_hon", "Kết hôn"],
                                       ["khai_tu", "Khai tử"], ["khac", "Việc hộ tịch khác"]]},
        {"name": "so_dang_ky", "type": "text", "label": "Số đăng ký (nếu biết)",
         "max_length": 50},
        {"name": "ngay_dang_ky", "type": "date", "label": "Ngày đăng ký"},
        {"name": "noi_dang_ky", "type": "text", "label": "Cơ quan đã đăng ký",
         "required": True, "max_length": 255},
        {"name": "so_ban", "type": "number", "label": "Số bản sao đề nghị cấp", "min": 1,
         "max": 10, "decimals": 0, "required": True},
        CAM_DOAN,
    ],
}

CHUNG_THUC_BAN_SAO: Spec = {
    "title": "Phiếu yêu cầu chứng thực bản sao từ bản chính",
    "fields": [
        *PERSON[:4], PERSON[4],
        {"name": "giay_to", "type": "group", "label": "Giấy tờ, văn bản yêu cầu chứng thực",
         "min": 1, "max": 20, "fields": [
             {"name": "ten_giay_to", "type": "text", "label": "Tên giấy tờ, văn bản",
              "required": True, "max_length": 255},
             {"name": "co_quan_cap", "type": "text", "label": "Cơ quan cấp", "max_length": 255},
             {"name": "so_trang", "type": "number", "label": "Số trang", "min": 1, "max": 500,
              "decimals": 0, "required": True},
             {"name": "so_ban", "type": "number", "label": "Số bản sao", "min": 1, "max": 50,
              "decimals": 0, "required": True},
         ]},
        _attachment("ban_chup", "Ảnh chụp bản chính (để đối chiếu trước)"),
        CAM_DOAN,
    ],
}

CHUNG_THUC_GIAO_DICH: Spec = {
    "title": "Phiếu yêu cầu chứng thực hợp đồng, giao dịch",
    "fields": [
        *PERSON[:4], PERSON[4],
        {"name": "loai_giao_dich", "type": "choice", "label": "Loại hợp đồng, giao dịch",
         "required": True, "choices": [
             ["chuyen_nhuong", "Chuyển nhượng, tặng cho quyền sử dụng đất, nhà ở"],
             ["the_chap", "Thế chấp quyền sử dụng đất, nhà ở"],
             ["dong_san", "Hợp đồng liên quan đến động sản"],
             ["di_chuc", "Di chúc"], ["tu_choi_di_san", "Văn bản từ chối nhận di sản"]]},
        {"name": "tai_san", "type": "textarea", "label": "Tài sản, nội dung chủ yếu của hợp đồng, "
         "giao dịch", "required": True, "max_length": 2000, "rows": 4},
        {"name": "ben_lien_quan", "type": "group", "label": "Các bên tham gia hợp đồng, giao dịch",
         "min": 0, "max": 10, "fields": [
             {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên", "required": True,
              "max_length": 100},
             {"name": "so_dinh_danh", "type": "personal_id", "label": "Số định danh cá nhân",
              "required": True},
             {"name": "noi_cu_tru", "type": "text", "label": "Nơi cư trú", "max_length": 255},
         ]},
        _attachment("du_thao", "Dự thảo hợp đồng, giao dịch (nếu có)"),
        CAM_DOAN,
    ],
}

HO_KINH_DOANH: Spec = {
    "title": "Thông báo thay đổi nội dung đăng ký hộ kinh doanh",
    "fields": [
        *PERSON,
        {"name": "ten_ho_kinh_doanh", "type": "text", "label": "Tên hộ kinh doanh",
         "required": True, "max_length": 255},
        {"name": "ma_so_ho_kinh_doanh", "type": "text", "label": "Mã số hộ kinh doanh",
         "required": True, "max_length": 20},
        {"name": "dia_diem_kinh_doanh", "type": "address", "label": "Địa điểm kinh doanh",
         "required": True},
        {"name": "noi_dung", "type": "textarea", "label": "Nội dung đề nghị cập nhật, bổ sung, "
         "hiệu đính hoặc dừng thực hiện", "required": True, "max_length": 2000, "rows": 4},
        {"name": "thanh_vien", "type": "group", "label": "Thành viên hộ gia đình tham gia "
         "kinh doanh", "min": 0, "max": 10, "fields": [
             {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên", "required": True,
              "max_length": 100},
             {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True},
             {"name": "so_dinh_danh", "type": "personal_id", "label": "Số định danh cá nhân",
              "required": True},
         ]},
        CAM_DOAN,
    ],
}

GIAY_PHEP_XAY_DUNG: Spec = {
    "title": "Đơn đề nghị cấp giấy phép xây dựng",
    "fields": [
        *PERSON,
        {"name": "loai_cong_trinh", "type": "choice", "label": "Loại công trình",
         "required": True, "choices": [["nha_o", "Nhà ở riêng lẻ"],
                                       ["khong_theo_tuyen", "Công trình không theo tuyến"],
                                       ["theo_tuyen", "Công trình theo tuyến trong đô thị"],
                                       ["ton_giao", "Công trình tín ngưỡng, tôn giáo"]]},
        {"name": "dia_diem", "type": "address", "label": "Địa điểm xây dựng", "required": True},
        {"name": "lo_dat", "type": "text", "label": "Lô đất số / thửa đất số, tờ bản đồ số",
         "required": True, "max_length": 100},
        {"name": "dien_tich_xay_dung", "type": "number", "label": "Diện tích xây dựng tầng 1 "
         "(m²)", "required": True, "min": 1, "max": 100000, "decimals": 1},
        {"name": "tong_dien_tich_san", "type": "number", "label": "Tổng diện tích sàn (m²)",
         "required": True, "min": 1, "max": 1000000, "decimals": 1},
        {"name": "so_tang", "type": "number", "label": "Số tầng", "required": True, "min": 1,
         "max": 100, "decimals": 0},
        {"name": "chieu_cao", "type": "number", "label": "Chiều cao công trình (m)",
         "required": True, "min": 1, "max": 500, "decimals": 1},
        {"name": "don_vi_thiet_ke", "type": "text", "label": "Tổ chức, cá nhân thiết kế",
         "max_length": 255},
        _attachment("ban_ve", "Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng)", True),
        CAM_DOAN,
    ],
}

CHUNG_CHI_HANH_NGHE: Spec = {
    "title": "Đơn đề nghị cấp chứng chỉ hành nghề hoạt động xây dựng",
    "fields": [
        *PERSON,
        {"name": "trinh_do", "type": "text", "label": "Trình độ chuyên môn (ngành, chuyên ngành "
         "đào tạo)", "required": True, "max_length": 255},
        {"name": "linh_vuc", "type": "choice", "label": "Lĩnh vực đề nghị cấp chứng chỉ",
         "required": True, "choices": [["khao_sat", "Khảo sát xây dựng"],
                                       ["thiet_ke", "Thiết kế xây dựng"],
                                       ["giam_sat", "Giám sát thi công xây dựng"],
                                       ["dinh_gia", "Định giá xây dựng"]]},
        {"name": "hang", "type": "choice", "label": "Hạng chứng chỉ", "required": True,
         "choices": [["2", "Hạng II"], ["3", "Hạng III"]], "widget": "radio"},
        {"name": "kinh_nghiem", "type": "group", "label": "Quá trình hoạt động chuyên môn",
         "min": 1, "max": 15, "fields": [
             {"name": "thoi_gian", "type": "text", "label": "Thời gian (từ … đến …)",
              "required": True, "max_length": 50},
             {"name": "cong_viec", "type": "text", "label": "Công việc, dự án đã thực hiện",
              "required": True, "max_length": 255},
         ]},
        _attachment("van_bang", "Văn bằng đào tạo", True),
        CAM_DOAN,
    ],
}


def application(title: str, *, organisation: bool, details: list[Spec] | None = None,
                attachment: str = "Tài liệu kèm theo") -> Spec:
    """A generic application ("Đơn đề nghị …") with the applicant's data and the request."""
    applicant = ORGANISATION if organisation else PERSON
    fields = [
        *copy.deepcopy(applicant),
        *(details or []),
        {"name": "noi_dung", "type": "textarea", "label": "Nội dung đề nghị", "required": True,
         "max_length": 3000, "rows": 5},
        _attachment("tai_lieu", attachment),
        CAM_DOAN,
    ]
    return {"title": title, "fields": fields}


WATER_DETAILS: list[Spec] = [
    {"name": "vi_tri", "type": "address", "label": "Vị trí công trình / khu vực hoạt động",
     "required": True},
    {"name": "luu_luong", "type": "number", "label": "Lưu lượng (m³/ngày đêm)", "min": 0,
     "max": 100000, "decimals": 1},
    {"name": "so_gieng", "type": "number", "label": "Số giếng khoan", "min": 0, "max": 500,
     "decimals": 0},
]

TRANSPORT_DETAILS: list[Spec] = [
    {"name": "loai_hinh", "type": "choice", "label": "Loại hình kinh doanh vận tải",
     "required": True, "choices": [["tuyen_co_dinh", "Vận tải hành khách theo tuyến cố định"],
                                   ["xe_buyt", "Vận tải hành khách bằng xe buýt"],
                                   ["taxi", "Vận tải hành khách bằng xe taxi"],
                                   ["hop_dong", "Vận tải hành khách theo hợp đồng"],
                                   ["hang_hoa", "Vận tải hàng hóa"]]},
    {"name": "so_xe", "type": "number", "label": "Số lượng phương tiện", "required": True,
     "min": 1, "max": 1000, "decimals": 0},
]

SCHOOL_DETAILS: list[Spec] = [
    {"name": "ten_truong", "type": "text", "label": "Tên trường đề nghị thành lập",
     "required": True, "max_length": 255},
    {"name": "loai_hinh", "type": "choice", "label": "Loại hình", "required": True,
     "choices": [["cong_lap", "Công lập"], ["dan_lap", "Dân lập"], ["tu_thuc", "Tư thục"]]},
    {"name": "dia_diem", "type": "address", "label": "Địa điểm đặt trường", "required": True},
    {"name": "quy_mo", "type": "number", "label": "Quy mô dự kiến (số học sinh)",
     "required": True, "min": 1, "max": 5000, "decimals": 0},
]

LAND_DETAILS: list[Spec] = [
    {"name": "thua_dat", "type": "text", "label": "Thửa đất số, tờ bản đồ số", "required": True,
     "max_length": 100},
    {"name": "quyet_dinh_boi_thuong", "type": "text", "label": "Số, ngày quyết định phê duyệt "
     "phương án bồi thường, hỗ trợ, tái định cư", "required": True, "max_length": 255},
    {"name": "so_tien", "type": "number", "label": "Số tiền đề nghị khấu trừ (đồng)",
     "required": True, "min": 0, "max": 100000000000, "decimals": 0},
]
