"""The public, read-only catalogue API (``/api/v1/``) and its OpenAPI documentation."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from procedures.models import Procedure
from procedures.services import close
from tests.procedures.test_public_catalogue import khai_sinh, make_procedure

pytestmark = pytest.mark.django_db

LIST = "/api/v1/procedures/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def catalogue():
    ks = khai_sinh()
    kh = make_procedure("Đăng ký kết hôn", code="1.000894")
    dd = make_procedure("Đính chính giấy chứng nhận quyền sử dụng đất", code="1.004227",
                        field_name="Đất đai", online_level="partial")
    make_procedure("Đăng ký khai tử", code="1.000656", publish_it=False)
    return ks, kh, dd


def list_codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["national_code"] for row in response.json()["results"]]


def test_the_list_is_public_paginated_and_hides_drafts(api, catalogue):
    response = api.get(LIST)
    body = response.json()
    assert body["count"] == 3
    assert set(list_codes(response)) == {"1.001193", "1.000894", "1.004227"}
    row = next(r for r in body["results"] if r["national_code"] == "1.001193")
    assert row["name"] == "Đăng ký khai sinh"
    assert row["field"] == {"code": catalogue[0].field.code, "name": "Hộ tịch"}
    assert row["level"] == {"code": "commune", "name": "Cấp xã"}
    assert row["online_level"] == "full"
    assert row["url"].endswith("/api/v1/procedures/1.001193/")


@pytest.mark.parametrize("query", ["dang ky khai sinh", "Đăng ký khai sinh", "1.001193"])
def test_search_without_diacritics_or_by_code(api, catalogue, query):
    assert list_codes(api.get(LIST, {"q": query})) == ["1.001193"]


def test_filters(api, catalogue):
    ks, _kh, dd = catalogue
    assert list_codes(api.get(LIST, {"field": dd.field.code})) == ["1.004227"]
    assert list_codes(api.get(LIST, {"level": "commune"})) == ["1.001193"]
    assert list_codes(api.get(LIST, {"online_level": "partial"})) == ["1.004227"]
    justice = ks.deciding_agencies.get()
    assert list_codes(api.get(LIST, {"agency": justice.code})) == ["1.001193"]
    assert list_codes(api.get(LIST, {"q": "dang ky", "online_level": "full",
                                      "level": "commune"})) == ["1.001193"]


@pytest.mark.parametrize(("params", "key"), [
    ({"field": "KHONG-CO"}, "field"),
    ({"level": "tinh-xyz"}, "level"),
    ({"agency": "000.00.99.H99"}, "agency"),
    ({"online_level": "max"}, "online_level"),
    ({"q": "x" * 500}, "q"),
])
def test_bad_filter_values_are_400_with_the_reason(api, catalogue, params, key):
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert key in response.json()
    assert response.json()[key][0]


def test_a_bad_filter_reason_is_translated(api, catalogue):
    response = api.get(LIST, {"field": "KHONG-CO"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json()["field"] == ["Không có lĩnh vực nào mang mã “KHONG-CO”."]


def test_detail_has_every_public_item(api, catalogue):
    response = api.get(f"{LIST}1.001193/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Đăng ký khai sinh"
    assert body["implementing_agency_text"] == "Ủy ban nhân dân cấp xã"
    assert [a["name"] for a in body["receiving_agencies"]] == ["Ủy ban nhân dân xã Hạc Thành"]
    assert [a["name"] for a in body["deciding_agencies"]] == ["Sở Tư pháp tỉnh"]
    assert {m["channel"]: m["processing_time"] for m in body["methods"]} == {
        "counter": "2.0", "online": "1.0"}
    assert [(c["name"], c["originals"], c["copies"], c["requirement"], c["form"])
            for c in body["components"]] == [
        ("Tờ khai đăng ký khai sinh", 1, 0, "required", "1.001193.TK01"),
        ("Giấy chứng sinh", 1, 2, "required", None),
        ("Văn bản ủy quyền", 1, 0, "conditional", None),
    ]
    assert body["components"][2]["condition"] == "Trường hợp ủy quyền nộp hồ sơ"
    fees = {f["kind"]: f for f in body["fees"]}
    assert fees["fee"]["amount_vnd"] == 1_400_000
    assert fees["fee"]["amount_display"] == "1.400.000 đ"
    assert fees["fee"]["channel"] == "counter"
    assert fees["charge"]["rule"] == "Miễn lệ phí khi đăng ký đúng hạn"
    assert body["legal_basis"] == [{"number": "60/2014/QH13", "title": "Luật Hộ tịch",
                                    "issued_on": "2014-11-20", "issuer": "Quốc hội"}]
    assert body["forms"] == [{"code": "1.001193.TK01", "symbol": "TK01",
                              "name": "Tờ khai đăng ký khai sinh", "signature_required": False}]
    assert body["subjects"] == "Công dân Việt Nam"
    assert body["result"] == "Giấy khai sinh (bản chính)"
    assert body["conditions"] == "Trẻ em sinh ra trên địa bàn xã"
    assert body["steps"].startswith("Bước 1")
    assert body["online_level"] == "full"
    assert body["processing_time"] == "1.0"
    assert body["processing_unit"] == "working_days"
    assert body["offers_online_submission"] is True


def test_closed_procedures_say_why(api, catalogue):
    close(catalogue[0], Procedure.Status.ABOLISHED, "Bãi bỏ theo Quyết định 123/QĐ-UBND")
    body = api.get(f"{LIST}1.001193/").json()
    assert body["status"] == "abolished"
    assert body["status_reason"] == "Bãi bỏ theo Quyết định 123/QĐ-UBND"
    assert body["status_since"]
    assert body["offers_online_submission"] is False


@pytest.mark.parametrize("code", ["1.000656", "9.999999"])
def test_drafts_and_unknown_codes_are_404(api, catalogue, code):
    assert api.get(f"{LIST}{code}/").status_code == 404


def test_the_api_is_read_only(api, catalogue):
    assert api.post(LIST, {"name": "x"}).status_code == 405
    assert api.delete(f"{LIST}1.001193/").status_code == 405


def test_fields(api, catalogue):
    response = api.get("/api/v1/fields/")
    assert response.status_code == 200
    assert {"code": catalogue[2].field.code, "name": "Đất đai"} in response.json()


def test_a_bad_page_is_404_not_500(api, catalogue):
    assert api.get(LIST, {"page": "abc"}).status_code == 404


def test_the_schema_documents_the_catalogue(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    assert "/api/v1/procedures/" in paths
    assert "/api/v1/procedures/{national_code}/" in paths
    assert "/api/v1/fields/" in paths
    params = {p["name"] for p in paths["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"q", "field", "level", "online_level", "agency", "page"} <= params
    assert "post" not in paths["/api/v1/procedures/"]
