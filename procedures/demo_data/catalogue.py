"""Data of the demo catalogue besides the CSV rows: agencies, decisions, legal documents, the
values the CSV leaves empty, dossier components and the e-form of each family of procedures.

The CSV (``procedures-sample.csv``, copied from ``shared/data``) gives real codes, names, fields,
levels, times, fees and online levels from provincial decisions of November 2025. Where a row
leaves a value empty the values below are sensible demo values, not authoritative ones.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from . import forms

#: Department agencies the catalogue needs beyond the core demo seeder: (code, name).
DEPARTMENTS = [
    ("000.00.17.H56", "Sở Tài chính"),
    ("000.00.21.H56", "Sở Nông nghiệp và Môi trường"),
    ("000.00.23.H56", "Sở Văn hóa, Thể thao và Du lịch"),
    ("000.00.25.H56", "Sở Giáo dục và Đào tạo"),
    ("000.00.27.H56", "Sở Khoa học và Công nghệ"),
]
PROVINCE_CODE = "000.00.00.H56"
SERVICE_CENTRE_CODE = "000.00.01.H56"
COMMUNE_CODES = ["000.01.30.H56", "000.02.30.H56", "000.03.30.H56"]

#: field name → (managing department code, processing unit at the department, at the commune)
FIELDS: dict[str, tuple[str, str, str]] = {
    "Hộ tịch": ("000.00.13.H56", "Phòng Hành chính tư pháp", "Công chức Tư pháp - Hộ tịch"),
    "Chứng thực": ("000.00.13.H56", "Phòng Hành chính tư pháp", "Công chức Tư pháp - Hộ tịch"),
    "Tài nguyên nước": ("000.00.21.H56", "Phòng Tài nguyên nước", "Phòng Kinh tế"),
    "Tài chính đất đai": ("000.00.17.H56", "Phòng Quản lý giá và Công sản", "Phòng Kinh tế"),
    "Thành lập và hoạt động của hộ kinh doanh": (
        "000.00.17.H56", "Phòng Đăng ký kinh doanh", "Phòng Kinh tế"),
    "Bảo trợ xã hội": ("000.00.19.H56", "Phòng Bảo trợ xã hội", "Phòng Văn hóa - Xã hội"),
    "Phòng, chống tệ nạn xã hội": (
        "000.00.19.H56", "Phòng Phòng, chống tệ nạn xã hội", "Phòng Văn hóa - Xã hội"),
    "Hoạt động xây dựng": (
        "000.00.15.H56", "Phòng Quản lý hoạt động xây dựng", "Phòng Kinh tế"),
    "Nhà ở và công sở": ("000.00.15.H56", "Phòng Quản lý nhà và thị trường bất động sản",
                         "Phòng Kinh tế"),
    "Hạ tầng kỹ thuật": ("000.00.15.H56", "Phòng Hạ tầng kỹ thuật", "Phòng Kinh tế"),
    "Đường bộ": ("000.00.15.H56", "Phòng Quản lý vận tải, phương tiện và người lái",
                 "Phòng Kinh tế"),
    "Đăng kiểm": ("000.00.15.H56", "Phòng Quản lý vận tải, phương tiện và người lái",
                  "Phòng Kinh tế"),
    "Hàng hải và đường thủy": ("000.00.15.H56", "Phòng Quản lý vận tải, phương tiện và người "
                               "lái", "Phòng Kinh tế"),
    "Giáo dục mầm non": ("000.00.25.H56", "Phòng Tổ chức cán bộ", "Phòng Văn hóa - Xã hội"),
    "Giáo dục tiểu học": ("000.00.25.H56", "Phòng Tổ chức cán bộ", "Phòng Văn hóa - Xã hội"),
    "Giáo dục trung học": ("000.00.25.H56", "Phòng Tổ chức cán bộ", "Phòng Văn hóa - Xã hội"),
    "Di sản văn hóa": ("000.00.23.H56", "Phòng Quản lý di sản văn hóa",
                       "Phòng Văn hóa - Xã hội"),
    "Nghệ thuật biểu diễn": ("000.00.23.H56", "Phòng Quản lý văn hóa",
                             "Phòng Văn hóa - Xã hội"),
    "Phát thanh, truyền hình và thông tin điện tử": (
        "000.00.23.H56", "Phòng Báo chí, Xuất bản", "Phòng Văn hóa - Xã hội"),
    "Hoạt động khoa học và công nghệ": (
        "000.00.27.H56", "Phòng Quản lý khoa học", "Phòng Văn hóa - Xã hội"),
}


#: source file in the CSV → (decision number, date signed, issuer of the original, summary)
DECISIONS: dict[str, tuple[str, date, str, str]] = {
    "55f3a3d0d7e08b45.md": ("1949/QĐ-UBND", date(2025, 11, 18), "UBND tỉnh Cao Bằng",
                            "Công bố danh mục thủ tục hành chính lĩnh vực tài nguyên nước"),
    "8bb6ac57ee7b4c5d.md": ("2022/QĐ-UBND", date(2025, 11, 27), "UBND tỉnh Cao Bằng",
                            "Công bố danh mục thủ tục hành chính lĩnh vực bảo trợ xã hội, "
                            "phòng, chống tệ nạn xã hội thuộc phạm vi quản lý của Sở Y tế"),
    "640111ea8077e047.md": ("2770/QĐ-UBND", date(2025, 11, 18), "UBND tỉnh Đồng Nai",
                            "Công bố danh mục thủ tục hành chính lĩnh vực chứng thực"),
    "31ea3f5a8224b092.md": ("3851/QĐ-UBND", date(2025, 11, 26), "UBND tỉnh Nghệ An",
                            "Công bố danh mục thủ tục hành chính thuộc phạm vi quản lý của "
                            "Sở Tài chính (phần cấp xã: hộ kinh doanh)"),
    "a9e3b1619c1d3512.md": ("3857/QĐ-UBND", date(2025, 11, 26), "UBND tỉnh Nghệ An",
                            "Phê duyệt quy trình nội bộ lĩnh vực tài chính đất đai cấp xã"),
    "815d3cd8f72a21b4.md": ("2806/QĐ-UBND", date(2025, 11, 19), "UBND tỉnh Đồng Nai",
                            "Công bố danh mục thủ tục hành chính ngành xây dựng"),
    "dc1e1584661e6162.md": ("3771/QĐ-UBND", date(2025, 11, 19), "UBND tỉnh Nghệ An",
                            "Công bố danh mục thủ tục hành chính lĩnh vực giáo dục và đào tạo"),
    "5298da2adb9eb4fe.md": ("2031/QĐ-UBND", date(2025, 11, 28), "UBND tỉnh Cao Bằng",
                            "Công bố danh mục thủ tục hành chính lĩnh vực văn hóa, thể thao và "
                            "du lịch"),
    "0beedb7bdb363a85.md": ("3565/QĐ-UBND", date(2025, 11, 21), "UBND thành phố Huế",
                            "Công bố danh mục thủ tục hành chính lĩnh vực khoa học và công "
                            "nghệ"),
}
#: The hộ tịch rows come from a national list, not a provincial decision: a demo decision.
CIVIL_STATUS_DECISION = ("01/2026/QĐ-UBND-MAU", date(2026, 1, 5),
                         "Dữ liệu mẫu: công bố thủ tục hành chính lĩnh vực hộ tịch cấp xã")
#: The one decision left for the operator to apply (received 3 working days ago).
PENDING_DECISION = ("02/2026/QĐ-UBND-MAU",
                    "Dữ liệu mẫu: sửa đổi thủ tục đăng ký kết hôn; công bố mới thủ tục cấp "
                    "bản sao trích lục hộ tịch")
PENDING_ITEMS = [("1.000894", "amended"), ("2.000635", "new")]
SIGNER = "Chủ tịch UBND tỉnh"

#: Legal documents: key → (number, title, date, issuer)
LAWS: dict[str, tuple[str, str, date, str]] = {
    "luat_ho_tich": ("60/2014/QH13", "Luật Hộ tịch", date(2014, 11, 20), "Quốc hội"),
    "nd_123": ("123/2015/NĐ-CP", "Nghị định quy định chi tiết một số điều và biện pháp thi hành "
               "Luật Hộ tịch", date(2015, 11, 15), "Chính phủ"),
    "nd_23": ("23/2015/NĐ-CP", "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản "
              "chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch", date(2015, 2, 16),
              "Chính phủ"),
    "tt_226": ("226/2016/TT-BTC", "Thông tư quy định mức thu, chế độ thu, nộp, quản lý và sử "
               "dụng phí chứng thực", date(2016, 11, 11), "Bộ Tài chính"),
    "luat_nuoc": ("28/2023/QH15", "Luật Tài nguyên nước", date(2023, 11, 27), "Quốc hội"),
    "nd_54": ("54/2024/NĐ-CP", "Nghị định quy định việc hành nghề khoan nước dưới đất, kê khai, "
              "đăng ký, cấp phép, dịch vụ tài nguyên nước", date(2024, 5, 16), "Chính phủ"),
    "luat_nkt": ("51/2010/QH12", "Luật Người khuyết tật", date(2010, 6, 17), "Quốc hội"),
    "nd_103": ("103/2017/NĐ-CP", "Nghị định quy định về thành lập, tổ chức, hoạt động, giải thể "
               "và quản lý các cơ sở trợ giúp xã hội", date(2017, 9, 12), "Chính phủ"),
    "luat_mbn": ("53/2024/QH15", "Luật Phòng, chống mua bán người", date(2024, 11, 28),
                 "Quốc hội"),
    "nd_168": ("168/2025/NĐ-CP", "Nghị định về đăng ký doanh nghiệp", date(2025, 6, 30),
               "Chính phủ"),
    "luat_dat": ("31/2024/QH15", "Luật Đất đai", date(2024, 1, 18), "Quốc hội"),
    "nd_88": ("88/2024/NĐ-CP", "Nghị định quy định về bồi thường, hỗ trợ, tái định cư khi Nhà "
              "nước thu hồi đất", date(2024, 7, 15), "Chính phủ"),
    "luat_xd": ("50/2014/QH13", "Luật Xây dựng", date(2014, 6, 18), "Quốc hội"),
    "nd_175": ("175/2024/NĐ-CP", "Nghị định quy định chi tiết một số điều và biện pháp thi hành "
               "Luật Xây dựng về quản lý hoạt động xây dựng", date(2024, 12, 30), "Chính phủ"),
    "luat_nha_o": ("27/2023/QH15", "Luật Nhà ở", date(2023, 11, 27), "Quốc hội"),
    "nd_64": ("64/2010/NĐ-CP", "Nghị định về quản lý cây xanh đô thị", date(2010, 6, 11),
              "Chính phủ"),
    "luat_duong_bo": ("35/2024/QH15", "Luật Đường bộ", date(2024, 6, 27), "Quốc hội"),
    "nd_158": ("158/2024/NĐ-CP", "Nghị định quy định về hoạt động vận tải đường bộ",
               date(2024, 12, 18), "Chính phủ"),
    "luat_ttatgt": ("36/2024/QH15", "Luật Trật tự, an toàn giao thông đường bộ",
                    date(2024, 6, 27), "Quốc hội"),
    "nd_48": ("48/2019/NĐ-CP", "Nghị định quy định về quản lý hoạt động của phương tiện thủy "
              "nội địa phục vụ vui chơi, giải trí dưới nước", date(2019, 6, 5), "Chính phủ"),
    "luat_gd": ("43/2019/QH14", "Luật Giáo dục", date(2019, 6, 14), "Quốc hội"),
    "nd_125": ("125/2024/NĐ-CP", "Nghị định quy định về điều kiện đầu tư và hoạt động trong lĩnh "
               "vực giáo dục", date(2024, 10, 5), "Chính phủ"),
    "luat_di_san": ("45/2024/QH15", "Luật Di sản văn hóa", date(2024, 11, 23), "Quốc hội"),
    "nd_144": ("144/2020/NĐ-CP", "Nghị định quy định về hoạt động nghệ thuật biểu diễn",
               date(2020, 12, 14), "Chính phủ"),
    "nd_147": ("147/2024/NĐ-CP", "Nghị định về quản lý, cung cấp, sử dụng dịch vụ Internet và "
               "thông tin trên mạng", date(2024, 11, 9), "Chính phủ"),
    "luat_khcn": ("93/2025/QH15", "Luật Khoa học, công nghệ và đổi mới sáng tạo",
                  date(2025, 6, 27), "Quốc hội"),
}

FIELD_LAWS: dict[str, list[str]] = {
    "Hộ tịch": ["luat_ho_tich", "nd_123"],
    "Chứng thực": ["nd_23", "tt_226"],
    "Tài nguyên nước": ["luat_nuoc", "nd_54"],
    "Tài chính đất đai": ["luat_dat", "nd_88"],
    "Thành lập và hoạt động của hộ kinh doanh": ["nd_168"],
    "Bảo trợ xã hội": ["luat_nkt", "nd_103"],
    "Phòng, chống tệ nạn xã hội": ["luat_mbn"],
    "Hoạt động xây dựng": ["luat_xd", "nd_175"],
    "Nhà ở và công sở": ["luat_nha_o"],
    "Hạ tầng kỹ thuật": ["nd_64"],
    "Đường bộ": ["luat_duong_bo", "nd_158"],
    "Đăng kiểm": ["luat_ttatgt"],
    "Hàng hải và đường thủy": ["nd_48"],
    "Giáo dục mầm non": ["luat_gd", "nd_125"],
    "Giáo dục tiểu học": ["luat_gd", "nd_125"],
    "Giáo dục trung học": ["luat_gd", "nd_125"],
    "Di sản văn hóa": ["luat_di_san"],
    "Nghệ thuật biểu diễn": ["nd_144"],
    "Phát thanh, truyền hình và thông tin điện tử": ["nd_147"],
    "Hoạt động khoa học và công nghệ": ["luat_khcn"],
}

#: Values the CSV leaves empty: code → overrides (level, processing_time, processing_unit,
#: online_level, fee_vnd).
OVERRIDES: dict[str, dict[str, Any]] = {
    # hộ tịch (national list: code and name only); commune level
    "1.001193": {"level": "commune", "processing_unit": "same_day", "online_level": "full",
                 "fee_text": "Miễn lệ phí đăng ký khai sinh đúng hạn"},
    "1.000894": {"level": "commune", "processing_time": "5", "online_level": "partial",
                 "fee_text": "Miễn lệ phí đăng ký kết hôn của công dân Việt Nam cư trú ở "
                             "trong nước"},
    "1.000656": {"level": "commune", "processing_unit": "same_day", "online_level": "full",
                 "fee_text": "Miễn lệ phí đăng ký khai tử đúng hạn"},
    "1.004873": {"level": "commune", "processing_time": "3", "online_level": "full",
                 "fee_vnd": "Theo Nghị quyết của Hội đồng nhân dân tỉnh"},
    "2.000635": {"level": "commune", "processing_unit": "same_day", "online_level": "full",
                 "fee_vnd": "8.000 đ/bản"},
    # Nghệ An / Đồng Nai lists give no time
    "1.014034": {"processing_time": "3"},
    "1.014035": {"processing_time": "3"},
    "1.013225": {"processing_time": "15", "fee_vnd": "75000"},
    "1.013227": {"processing_time": "5", "fee_vnd": "15000"},
    "1.013236": {"processing_time": "20", "fee_vnd": "150000"},
    "1.013237": {"processing_time": "20",
                 "fee_vnd": "Trực tiếp/bưu chính: 300.000 đ; trực tuyến: 150.000 đ"},
    "1.012888": {"processing_time": "7"},
    "1.002693": {"processing_time": "10"},
    "1.000703": {"processing_time": "5", "fee_vnd": "200000"},
    "2.002288": {"processing_time": "2"},
    "1.001777": {"processing_time": "10"},
    "1.013105": {"processing_time": "10"},
    "2.001215": {"processing_time": "3", "fee_vnd": "70000"},
    "1.012961": {"processing_time": "20"},
    "1.012963": {"processing_time": "20"},
    "2.001842": {"processing_time": "20"},
    "1.012944": {"processing_time": "20"},
}
#: Rows whose online level is not given: partly online (the default of the 2025 lists).
DEFAULT_ONLINE_LEVEL = "partial"
#: Same-day procedures end the next working day when received after this time.
SAME_DAY_CUTOFF = time(15, 0)
#: Procedures whose internal process has a step in another agency: code → (agency, step name).
INTER_AGENCY = {
    "1.012961": ("000.00.25.H56", "Lấy ý kiến thẩm định của Sở Giáo dục và Đào tạo"),
}
#: Procedures deciding at the UBND tỉnh rather than the department.
DECIDED_BY_PROVINCE = {"1.013820", "1.012944"}
#: The procedure suspended in the demo, with the reason shown to citizens.
SUSPENDED = ("1.009403", "Tạm dừng tiếp nhận hồ sơ để rà soát thành phần hồ sơ theo quy định "
                         "mới về nghệ thuật biểu diễn (dữ liệu mẫu).")

# -- families: components, form, subjects and result -----------------------------------------

#: A component: (name, originals, copies, requirement, condition, filled by the form)
Component = tuple[str, int, int, str, str, bool]

AUTHORISATION: Component = (
    "Văn bản ủy quyền theo quy định của pháp luật", 1, 0, "conditional",
    "Khi người yêu cầu ủy quyền cho người khác nộp hồ sơ", False)


def _family(components: list[Component], form: tuple[str, str, dict[str, Any]] | None,
            subjects: str, result: str, conditions: str = "") -> dict[str, Any]:
    return {"components": components, "form": form, "subjects": subjects, "result": result,
            "conditions": conditions}


CITIZENS = "Công dân Việt Nam; người nước ngoài cư trú tại Việt Nam"
ORGS = "Tổ chức, doanh nghiệp, cá nhân"

FAMILIES: dict[str, dict[str, Any]] = {
    "khai_sinh": _family([
        ("Tờ khai đăng ký khai sinh theo mẫu", 1, 0, "required", "", True),
        ("Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh", 1, 0, "required", "", False),
        ("Văn bản xác nhận của người làm chứng hoặc giấy cam đoan về việc sinh", 1, 0,
         "conditional", "Khi không có Giấy chứng sinh", False),
        AUTHORISATION,
    ], ("TK01", "Tờ khai đăng ký khai sinh", forms.KHAI_SINH), CITIZENS,
        "Giấy khai sinh (bản chính) và bản sao Giấy khai sinh nếu có yêu cầu"),
    "ket_hon": _family([
        ("Tờ khai đăng ký kết hôn theo mẫu", 1, 0, "required", "", True),
        ("Giấy xác nhận tình trạng hôn nhân", 1, 0, "conditional",
         "Khi người yêu cầu đăng ký kết hôn không thường trú tại xã nơi đăng ký", False),
        ("Bản án, quyết định ly hôn đã có hiệu lực pháp luật", 0, 1, "conditional",
         "Khi đã từng kết hôn và ly hôn", False),
    ], ("TK01", "Tờ khai đăng ký kết hôn", forms.KET_HON),
        "Công dân Việt Nam cư trú ở trong nước",
        "Giấy chứng nhận kết hôn (mỗi bên 01 bản chính)",
        "Hai bên nam, nữ có mặt khi đăng ký kết hôn; đủ điều kiện kết hôn theo Luật Hôn nhân "
        "và gia đình"),
    "khai_tu": _family([
        ("Tờ khai đăng ký khai tử theo mẫu", 1, 0, "required", "", True),
        ("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", 1, 0, "required", "", False),
        AUTHORISATION,
    ], ("TK01", "Tờ khai đăng ký khai tử", forms.KHAI_TU), CITIZENS,
        "Trích lục khai tử (bản chính)"),
    "tthn": _family([
        ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu", 1, 0, "required", "", True),
        ("Bản án, quyết định ly hôn hoặc giấy tờ chứng minh vợ/chồng đã chết", 0, 1,
         "conditional", "Khi đã từng kết hôn", False),
        AUTHORISATION,
    ], ("TK01", "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", forms.TINH_TRANG_HON_NHAN),
        CITIZENS, "Giấy xác nhận tình trạng hôn nhân"),
    "trich_luc": _family([
        ("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", 1, 0, "required", "", True),
        AUTHORISATION,
    ], ("TK01", "Tờ khai cấp bản sao trích lục hộ tịch", forms.TRICH_LUC), CITIZENS,
        "Bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"),
    "ban_sao": _family([
        ("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", 1, 0, "required", "",
         False),
        ("Bản sao cần chứng thực", 0, 1, "required", "", False),
        ("Phiếu yêu cầu chứng thực", 1, 0, "conditional", "Khi nộp hồ sơ trực tuyến", True),
    ], ("TK01", "Phiếu yêu cầu chứng thực bản sao từ bản chính", forms.CHUNG_THUC_BAN_SAO),
        "Cá nhân, tổ chức", "Bản sao được chứng thực từ bản chính"),
    "chu_ky": _family([
        ("Giấy tờ tùy thân còn giá trị sử dụng của người yêu cầu chứng thực", 1, 0, "required",
         "", False),
        ("Giấy tờ, văn bản mà mình sẽ ký", 1, 0, "required", "", False),
    ], None, "Cá nhân", "Giấy tờ, văn bản được chứng thực chữ ký"),
    "giao_dich": _family([
        ("Dự thảo hợp đồng, giao dịch", 1, 0, "required", "", False),
        ("Bản sao giấy tờ tùy thân của người yêu cầu chứng thực", 0, 1, "required", "", False),
        ("Bản sao giấy chứng nhận quyền sở hữu, quyền sử dụng tài sản", 0, 1, "conditional",
         "Khi hợp đồng, giao dịch liên quan đến tài sản phải đăng ký", False),
        ("Phiếu yêu cầu chứng thực hợp đồng, giao dịch", 1, 0, "required", "", True),
    ], ("TK01", "Phiếu yêu cầu chứng thực hợp đồng, giao dịch", forms.CHUNG_THUC_GIAO_DICH),
        "Cá nhân, tổ chức", "Hợp đồng, giao dịch được chứng thực"),
    "ho_kinh_doanh": _family([
        ("Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1, 0, "required", "", True),
        ("Bản sao biên bản họp thành viên hộ gia đình", 0, 1, "conditional",
         "Khi các thành viên hộ gia đình đăng ký hộ kinh doanh", False),
        AUTHORISATION,
    ], ("TK01", "Thông báo thay đổi nội dung đăng ký hộ kinh doanh", forms.HO_KINH_DOANH),
        "Hộ kinh doanh", "Giấy chứng nhận đăng ký hộ kinh doanh hoặc thông báo của cơ quan đăng "
        "ký kinh doanh"),
    "gpxd": _family([
        ("Đơn đề nghị cấp giấy phép xây dựng theo mẫu", 1, 0, "required", "", True),
        ("Bản sao giấy tờ chứng minh quyền sử dụng đất", 0, 1, "required", "", False),
        ("Hai bộ bản vẽ thiết kế xây dựng", 2, 0, "required", "", False),
        ("Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế", 1, 0, "conditional",
         "Khi công trình chưa được cơ quan chuyên môn thẩm định thiết kế", False),
    ], ("DON01", "Đơn đề nghị cấp giấy phép xây dựng", forms.GIAY_PHEP_XAY_DUNG), ORGS,
        "Giấy phép xây dựng"),
    "chung_chi": _family([
        ("Đơn đề nghị cấp chứng chỉ hành nghề theo mẫu", 1, 0, "required", "", True),
        ("Bản sao văn bằng đào tạo", 0, 1, "required", "", False),
        ("Bản khai kinh nghiệm công việc chuyên môn", 1, 0, "required", "", False),
    ], ("DON01", "Đơn đề nghị cấp chứng chỉ hành nghề hoạt động xây dựng",
        forms.CHUNG_CHI_HANH_NGHE), "Cá nhân", "Chứng chỉ hành nghề hoạt động xây dựng"),
}

#: Families picked by code; the others fall back to their field's generic family.
CODE_FAMILIES = {
    "1.001193": "khai_sinh", "1.000894": "ket_hon", "1.000656": "khai_tu",
    "1.004873": "tthn", "2.000635": "trich_luc",
    "2.000815": "ban_sao", "2.000942": "ban_sao", "2.000884": "chu_ky",
    "2.001035": "giao_dich", "2.001019": "giao_dich", "2.001016": "giao_dich",
    "1.014034": "ho_kinh_doanh", "1.014035": "ho_kinh_doanh",
    "1.013225": "gpxd", "1.013227": "gpxd", "1.013236": "gpxd", "1.013237": "chung_chi",
}

#: Generic families per field: (organisation applicant, details, result, subjects)
GENERIC: dict[str, tuple[bool, list[dict[str, Any]], str]] = {
    "Tài nguyên nước": (True, forms.WATER_DETAILS, "Giấy phép hoặc văn bản chấp thuận"),
    "Tài chính đất đai": (False, forms.LAND_DETAILS, "Văn bản xác nhận số tiền được khấu trừ"),
    "Bảo trợ xã hội": (True, [], "Quyết định, giấy phép hoặc giấy xác nhận"),
    "Phòng, chống tệ nạn xã hội": (True, [], "Giấy phép"),
    "Nhà ở và công sở": (False, [], "Quyết định công nhận Ban quản trị nhà chung cư"),
    "Hạ tầng kỹ thuật": (False, [], "Giấy phép chặt hạ, dịch chuyển cây xanh"),
    "Đường bộ": (True, forms.TRANSPORT_DETAILS, "Giấy phép hoặc phù hiệu"),
    "Đăng kiểm": (True, [], "Giấy chứng nhận đủ điều kiện hoạt động"),
    "Hàng hải và đường thủy": (False, [], "Giấy chứng nhận đăng ký phương tiện"),
    "Giáo dục mầm non": (True, forms.SCHOOL_DETAILS, "Quyết định thành lập hoặc cho phép "
                         "thành lập"),
    "Giáo dục tiểu học": (True, forms.SCHOOL_DETAILS, "Quyết định của cơ quan có thẩm quyền"),
    "Giáo dục trung học": (True, forms.SCHOOL_DETAILS, "Quyết định thành lập hoặc cho phép "
                           "thành lập"),
    "Di sản văn hóa": (True, [], "Giấy chứng nhận đủ điều kiện kinh doanh"),
    "Nghệ thuật biểu diễn": (False, [], "Văn bản chấp thuận"),
    "Phát thanh, truyền hình và thông tin điện tử": (True, [], "Giấy chứng nhận sửa đổi, "
                                                     "bổ sung"),
    "Hoạt động khoa học và công nghệ": (True, [], "Giấy chứng nhận hoặc văn bản đăng ký "
                                        "kết quả"),
}


def generic_family(field_name: str, procedure_name: str, online: bool) -> dict[str, Any]:
    """Components and form of an application ("Đơn đề nghị …") for a procedure."""
    organisation, details, result = GENERIC[field_name]
    subject = procedure_name.removeprefix("Thủ tục ").strip()
    title = f"Đơn đề nghị {subject[0].lower()}{subject[1:]}"
    if len(title) > 255:
        title = title[:252].rstrip(" ,") + "…"
    components: list[Component] = [
        (f"{title} (theo mẫu)", 1, 0, "required", "", True),
        ("Bản sao giấy tờ chứng minh tư cách pháp lý của tổ chức" if organisation
         else "Bản sao giấy tờ tùy thân của người đề nghị", 0, 1, "required", "", False),
        ("Tài liệu chứng minh đủ điều kiện theo quy định", 1, 0, "required", "", False),
        AUTHORISATION,
    ]
    form = ("DON01", title[:255], forms.application(title, organisation=organisation,
                                                     details=details)) if online else None
    return _family(components, form, ORGS if organisation else "Cá nhân", result)
