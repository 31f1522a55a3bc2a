"""The public catalogue: a visitor searches procedures with or without diacritics, filters them
and reads every public item of a procedure (P1, P2, P6). No sign-in anywhere."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.text import fold
from procedures.models import (
    DossierComponent,
    Fee,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    TimeUnit,
)
from procedures.services import close, publish
from tests.factories import AgencyFactory, AgencyLevelFactory
from tests.procedures.factories import EFormFactory, EFormVersionFactory, FieldFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CATALOGUE = "/thu-tuc/"


# -- test data --------------------------------------------------------------------------------


def commune_level():
    return AgencyLevelFactory(code="commune", name="Cấp xã", rank=2)


def make_procedure(name: str, *, code: str, field_name: str = "Hộ tịch", level=None,
                   owner=None, online_level: str = "full", publish_it: bool = True,
                   **kwargs) -> Procedure:
    field = FieldFactory(name=field_name, code=fold(field_name).replace(" ", "-"))
    procedure = Procedure.objects.create(
        national_code=code, name=name, field=field, level=level,
        owner_agency=owner or AgencyFactory(), online_level=online_level,
        processing_time=kwargs.pop("processing_time", Decimal(5)),
        processing_unit=kwargs.pop("processing_unit", TimeUnit.WORKING_DAYS), **kwargs,
    )
    if publish_it:
        publish(procedure)
    return procedure


def khai_sinh(**kwargs) -> Procedure:
    """"Đăng ký khai sinh" at commune level with every P1 item filled in, published."""
    level = commune_level()
    commune = AgencyFactory(name="Ủy ban nhân dân xã Hạc Thành", level=level)
    justice = AgencyFactory(name="Sở Tư pháp tỉnh")
    procedure = make_procedure(
        "Đăng ký khai sinh", code="1.001193", level=level, owner=commune, publish_it=False,
        implementing_agency_text="Ủy ban nhân dân cấp xã",
        steps="Bước 1: Người yêu cầu nộp hồ sơ.\nBước 2: Công chức tư pháp - hộ tịch kiểm tra.",
        subjects="Công dân Việt Nam", result="Giấy khai sinh (bản chính)",
        conditions="Trẻ em sinh ra trên địa bàn xã", processing_time=Decimal(1), **kwargs,
    )
    procedure.receiving_agencies.add(commune)
    procedure.deciding_agencies.add(justice)
    ProcedureMethod.objects.create(procedure=procedure, channel="online",
                                   processing_time=Decimal(1), description="Qua Cổng DVC")
    ProcedureMethod.objects.create(procedure=procedure, channel="counter",
                                   processing_time=Decimal(2), description="Tại Bộ phận Một cửa")
    form = EFormFactory(procedure=procedure, symbol="TK01", name="Tờ khai đăng ký khai sinh")
    EFormVersionFactory(form=form)
    DossierComponent.objects.create(procedure=procedure, order=1, name="Tờ khai đăng ký khai sinh",
                                    originals=1, form=form)
    DossierComponent.objects.create(procedure=procedure, order=2, name="Giấy chứng sinh",
                                    originals=1, copies=2)
    DossierComponent.objects.create(
        procedure=procedure, order=3, name="Văn bản ủy quyền", originals=1,
        requirement=DossierComponent.Requirement.CONDITIONAL,
        condition="Trường hợp ủy quyền nộp hồ sơ",
    )
    Fee.objects.create(procedure=procedure, kind=Fee.Kind.FEE, channel="counter",
                       amount_vnd=1_400_000, description="Phí trích lục")
    Fee.objects.create(procedure=procedure, kind=Fee.Kind.CHARGE,
                       rule="Miễn lệ phí khi đăng ký đúng hạn", description="Lệ phí hộ tịch")
    law = LegalDocument.objects.create(number="60/2014/QH13", title="Luật Hộ tịch",
                                       issued_on=date(2014, 11, 20), issuer="Quốc hội")
    procedure.legal_basis.add(law)
    publish(procedure)
    return procedure


def codes(response) -> list[str]:
    return [row["procedure"].national_code for row in response.context["rows"]]


# -- search -----------------------------------------------------------------------------------


@pytest.fixture
def catalogue_rows():
    ks = khai_sinh()
    kh = make_procedure("Đăng ký kết hôn", code="1.000894")
    dd = make_procedure("Đính chính giấy chứng nhận quyền sử dụng đất", code="1.004227",
                        field_name="Đất đai", online_level="partial")
    return ks, kh, dd


@pytest.mark.parametrize("query", ["dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH",
                                   "  khai   sinh ", "sinh dang"])
def test_search_with_or_without_diacritics_finds_the_procedure(client, catalogue_rows, query):
    response = client.get(CATALOGUE, {"q": query})
    assert response.status_code == 200
    assert codes(response) == ["1.001193"]
    assert "Đăng ký khai sinh" in response.text


def test_a_word_common_to_several_finds_them_all(client, catalogue_rows):
    assert set(codes(client.get(CATALOGUE, {"q": "dang ky"}))) == {"1.001193", "1.000894"}


@pytest.mark.parametrize("query", ["dinh chinh dat", "đính chính đất", "DINH CHINH", "dat dai"])
def test_d_with_stroke_is_folded_to_d(client, catalogue_rows, query):
    assert codes(client.get(CATALOGUE, {"q": query})) == ["1.004227"]


@pytest.mark.parametrize("query", ["1.001193", "001193"])
def test_search_by_national_code(client, catalogue_rows, query):
    assert codes(client.get(CATALOGUE, {"q": query})) == ["1.001193"]


def test_no_match_says_so(client, catalogue_rows):
    response = client.get(CATALOGUE, {"q": "giay phep lai xe"})
    assert codes(response) == []
    assert "Không tìm thấy thủ tục phù hợp" in response.text


def test_without_a_query_everything_public_is_listed_by_name(client, catalogue_rows):
    response = client.get(CATALOGUE)
    assert codes(response) == ["1.000894", "1.001193", "1.004227"]
    assert "Tìm thấy 3 thủ tục" in response.text


def test_result_rows_show_code_name_field_level_online_level_and_time(client, catalogue_rows):
    html = client.get(CATALOGUE, {"q": "khai sinh"}).text
    for text in ["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "toàn trình",
                 "1 ngày làm việc"]:
        assert text in html
    assert reverse("procedures:detail", kwargs={"code": "1.001193"}) in html


def test_drafts_are_never_shown(client, catalogue_rows):
    make_procedure("Đăng ký khai tử", code="1.000656", publish_it=False)
    assert "1.000656" not in codes(client.get(CATALOGUE, {"q": "khai tu"}))
    assert "1.000656" not in codes(client.get(CATALOGUE))
    assert client.get("/thu-tuc/1.000656/").status_code == 404


# -- filters ----------------------------------------------------------------------------------


def test_filter_by_field(client, catalogue_rows):
    field = catalogue_rows[2].field
    assert codes(client.get(CATALOGUE, {"field": field.code})) == ["1.004227"]


def test_filter_by_level(client, catalogue_rows):
    assert codes(client.get(CATALOGUE, {"level": "commune"})) == ["1.001193"]


def test_filter_by_online_level(client, catalogue_rows):
    assert codes(client.get(CATALOGUE, {"online_level": "partial"})) == ["1.004227"]
    assert codes(client.get(CATALOGUE, {"online_level": "none"})) == []


def test_filter_by_agency_matches_owner_receiving_and_deciding(client, catalogue_rows):
    ks, kh, _ = catalogue_rows
    justice = ks.deciding_agencies.get()
    kh.receiving_agencies.add(justice)
    assert set(codes(client.get(CATALOGUE, {"agency": justice.code}))) == {"1.001193",
                                                                           "1.000894"}
    assert codes(client.get(CATALOGUE, {"agency": ks.owner_agency.code})) == ["1.001193"]


def test_filters_combine_with_the_keyword(client, catalogue_rows):
    field = catalogue_rows[0].field
    assert codes(client.get(CATALOGUE, {"q": "dang ky", "field": field.code,
                                        "level": "commune"})) == ["1.001193"]


@pytest.mark.parametrize(("params", "message"), [
    ({"level": "khong-co"}, "Vui lòng chọn một cấp trong danh sách."),
    ({"online_level": "max"}, "Vui lòng chọn một mức độ trong danh sách."),
    ({"field": "X"}, "Vui lòng chọn một lĩnh vực trong danh sách."),
    ({"agency": "000.00.99.H99"}, "Vui lòng chọn một cơ quan trong danh sách."),
])
def test_a_bad_filter_is_reported_and_ignored(client, catalogue_rows, params, message):
    response = client.get(CATALOGUE, params)
    assert response.status_code == 200
    assert message in response.text
    assert len(codes(response)) == 3


def test_an_overlong_query_is_reported_not_a_crash(client, catalogue_rows):
    response = client.get(CATALOGUE, {"q": "khai sinh " * 50, "page": "abc"})
    assert response.status_code == 200
    assert "errorlist" in response.text


def test_the_form_works_without_javascript(client, catalogue_rows):
    html = client.get(CATALOGUE).text
    assert 'method="get"' in html
    assert 'name="q"' in html and 'name="field"' in html and 'name="agency"' in html
    assert "<script" not in html.split("</header>")[1]


# -- pagination and query count ---------------------------------------------------------------


def test_pages_of_25_keep_the_search(client):
    level = commune_level()
    for i in range(30):
        make_procedure(f"Cấp bản sao trích lục số {i:02d}", code=f"2.{i:06d}", level=level)
    first = client.get(CATALOGUE, {"q": "ban sao"})
    assert len(codes(first)) == 25
    assert "q=ban+sao&amp;page=2" in first.text
    second = client.get(CATALOGUE, {"q": "ban sao", "page": 2})
    assert len(codes(second)) == 5
    assert client.get(CATALOGUE, {"q": "ban sao", "page": 99}).status_code == 200


def _queries_for_list(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CATALOGUE, params)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, django_assert_max_num_queries):
    level = commune_level()
    field_names = ["Hộ tịch", "Chứng thực", "Đất đai"]
    for i in range(2):
        make_procedure(f"Chứng thực bản sao {i}", code=f"3.{i:06d}", level=level,
                       field_name=field_names[i % 3])
    few = _queries_for_list(client, {"q": "chung thuc", "level": "commune"})
    for i in range(2, 24):
        make_procedure(f"Chứng thực bản sao {i}", code=f"3.{i:06d}", level=level,
                       field_name=field_names[i % 3])
    with django_assert_max_num_queries(few):
        response = client.get(CATALOGUE, {"q": "chung thuc", "level": "commune"})
    assert len(codes(response)) == 24


def test_the_detail_page_query_count_is_bounded(client, django_assert_max_num_queries):
    khai_sinh()
    with django_assert_max_num_queries(16):
        assert client.get("/thu-tuc/1.001193/").status_code == 200


# -- the procedure page -----------------------------------------------------------------------


@time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=VN), tick=False)
def test_the_page_shows_every_public_item(client):
    khai_sinh()
    response = client.get(reverse("procedures:detail", kwargs={"code": "1.001193"}))
    assert response.status_code == 200
    html = response.text
    expected = [
        "1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã",  # code, name, field, level
        "Ủy ban nhân dân cấp xã", "Ủy ban nhân dân xã Hạc Thành", "Sở Tư pháp tỉnh",  # agencies
        "Bước 1: Người yêu cầu nộp hồ sơ.", "Bước 2: Công chức tư pháp",  # steps
        "trực tuyến", "trực tiếp", "Tại Bộ phận Một cửa", "2 ngày làm việc",  # methods
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Văn bản ủy quyền",  # components
        "theo điều kiện: Trường hợp ủy quyền nộp hồ sơ", "1.001193.TK01",
        "Công dân Việt Nam", "Giấy khai sinh (bản chính)",  # subjects, result
        "1.400.000 đ", "Miễn lệ phí khi đăng ký đúng hạn", "Phí trích lục",  # fees
        "Trẻ em sinh ra trên địa bàn xã",  # conditions
        "60/2014/QH13", "20/11/2014", "Quốc hội", "Luật Hộ tịch",  # legal basis
        "toàn trình",  # online level
        "1 ngày làm việc",  # processing time
    ]
    missing = [text for text in expected if text not in html]
    assert missing == []
    # Friday 10:00 + 1 working day → the close of Monday 09/03/2026, through the calendar.
    assert "Nếu tiếp nhận ngay bây giờ, hạn trả kết quả: 17:" in html
    assert "09/03/2026" in html
    components = response.context["components"]
    assert [(c.originals, c.copies) for c in components] == [(1, 0), (1, 2), (1, 0)]


def test_submit_online_button_starts_a_dossier(client):
    khai_sinh()
    html = client.get("/thu-tuc/1.001193/").text
    assert 'data-testid="submit-online"' in html
    assert "Nộp hồ sơ trực tuyến" in html
    assert 'href="/ho-so/nop/1.001193/"' in html  # starts a dossier (D1)


def test_no_button_for_an_offline_procedure(client):
    make_procedure("Cấp giấy phép xây dựng", code="1.009794", online_level="none")
    html = client.get("/thu-tuc/1.009794/").text
    assert "Nộp hồ sơ trực tuyến" not in html


@pytest.mark.parametrize(("status", "headline"), [
    (Procedure.Status.ABOLISHED, "Thủ tục này đã bị bãi bỏ."),
    (Procedure.Status.SUSPENDED, "Thủ tục này đang tạm dừng thực hiện."),
])
def test_a_closed_procedure_says_why_and_since_when_without_button(client, status, headline):
    procedure = khai_sinh()
    with time_machine.travel(datetime(2026, 4, 2, 9, 0, tzinfo=VN), tick=False):
        close(procedure, status, "Bãi bỏ theo Quyết định 123/QĐ-UBND")
    html = client.get("/thu-tuc/1.001193/").text
    assert headline in html
    assert "Không tiếp nhận hồ sơ mới." in html
    assert "Bãi bỏ theo Quyết định 123/QĐ-UBND" in html
    assert "02/04/2026" in html
    assert "Nộp hồ sơ trực tuyến" not in html
    assert "Nếu tiếp nhận ngay bây giờ" not in html
    # still findable in the catalogue, marked as closed
    listing = client.get(CATALOGUE, {"q": "khai sinh"})
    assert codes(listing) == ["1.001193"]
    assert str(Procedure.Status(status).label) in listing.text


def test_sample_procedures_are_marked(client):
    khai_sinh(is_sample=True)
    assert 'data-testid="procedure-sample"' in client.get("/thu-tuc/1.001193/").text
    make_procedure("Đăng ký kết hôn", code="1.000894")
    assert 'data-testid="procedure-sample"' not in client.get("/thu-tuc/1.000894/").text


@pytest.mark.parametrize("path", ["/thu-tuc/9.999999/", "/thu-tuc/khong-phai-ma/"])
def test_unknown_codes_are_404(client, path):
    assert client.get(path).status_code == 404
