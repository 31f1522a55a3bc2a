"""D8: the public lookup page and API — by code (the receipt's QR lands here), with nothing
personal beyond initials; by ID number or name only for the owner or with the matching code;
rate limited per address."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dossiers import lookup, services
from dossiers.models import Dossier
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NAME, ID_NUMBER = "Nguyễn Văn An", "038090001234"
PHONE, ADDRESS = "0912345678", "Số 5 đường Lê Lợi"
PERSONAL = (NAME, ID_NUMBER, PHONE, ADDRESS, "an.nguyen@example.vn")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def setup(db):
    agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5),
                                 name="Đăng ký khai sinh", national_code="1.001193")
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(personal_id=ID_NUMBER, full_name=NAME, phone=PHONE, address=ADDRESS,
                          email="an.nguyen@example.vn")
    clerk = officer(agency, Role.INTAKE_OFFICER)
    Membership.objects.update(started_at=at(2020, 1, 1))
    return procedure, agency, citizen, clerk


@pytest.fixture
def received(setup) -> Dossier:
    procedure, _agency, citizen, clerk = setup
    dossier = services.start_draft(procedure, applicant=citizen)
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        services.submit(dossier, by=citizen)
    with time_machine.travel(at(2026, 3, 9, 9, 30), tick=False):
        services.accept(dossier, by=clerk)
    dossier.refresh_from_db()
    return dossier


def page(client, **params):
    return client.get(reverse("lookup:search"), params)


def api(client, **params):
    return client.get("/api/v1/lookup/", params)


def assert_no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text


def test_initials():
    assert lookup.initials("Nguyễn Văn An") == "N. V. A."
    assert lookup.initials("  đỗ   thị  ") == "Đ. T."


def test_the_page_shows_the_dossier_by_code_without_personal_data(client, received):
    response = page(client, ma=received.code)
    assert response.status_code == 200
    text = response.content.decode()
    assert received.code in text
    assert "Đã tiếp nhận" in text or "tiếp nhận" in text
    assert "mã trạng thái quốc gia 4" in text  # received, then processing at once
    assert "Đăng ký khai sinh" in text and "UBND phường Hạc Thành" in text
    assert "N. V. A." in text
    assert "08:00 09/03/2026" in text and "09:30 09/03/2026" in text  # submitted, received
    assert "17:30 16/03/2026" in text  # result due
    assert_no_personal_data(text)


def test_the_qr_link_lands_on_the_same_page_and_tolerates_spaces_and_case(client, received):
    response = client.get(f"/tra-cuu/?ma=%20{received.code.lower()}%20")
    assert response.status_code == 200
    assert 'data-testid="lookup-result"' in response.content.decode()


def test_a_wrong_code_says_not_found(client, received):
    for code in ("000.01.30.H56-260309-9999", "<script>", "x" * 59):
        response = page(client, ma=code)
        assert response.status_code == 200
        text = response.content.decode()
        assert 'data-testid="lookup-not-found"' in text and "Không tìm thấy hồ sơ" in text
        assert "<script>" not in text.split('data-testid="lookup-not-found"')[1]


def test_drafts_are_never_found(client, setup):
    procedure, _agency, citizen, _clerk = setup
    services.start_draft(procedure, applicant=citizen)
    assert 'lookup-not-found' in page(client, ma="000.01.30.H56").content.decode()


def test_code_with_id_or_name_must_match(client, received):
    ok = page(client, ma=received.code, q=ID_NUMBER).content.decode()
    assert 'data-testid="lookup-result"' in ok
    # what the visitor typed is echoed back in the form only, never in the answer
    assert_no_personal_data(ok.split('data-testid="lookup-result"')[1].split("</table>")[0])
    by_name = page(client, ma=received.code, q="nguyen van an").content.decode()
    assert 'data-testid="lookup-result"' in by_name
    wrong = page(client, ma=received.code, q="001099000001").content.decode()
    assert 'lookup-not-found' in wrong and 'data-testid="lookup-result"' not in wrong


def test_search_by_id_alone_needs_sign_in(client, received):
    response = page(client, q=ID_NUMBER)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="lookup-error"' in text and "đăng nhập" in text
    assert received.code not in text


def test_the_signed_in_owner_finds_their_dossiers_by_id(client, received, setup):
    other = services.start_draft(setup[0], applicant=UserFactory(personal_id="001099000001"))
    services.submit(other, by=other.applicant)
    other.refresh_from_db()
    client.force_login(received.applicant)
    text = page(client, q=ID_NUMBER).content.decode()
    assert received.code in text and other.code not in text
    # another citizen's ID lists nothing, even though a dossier has it
    text = page(client, q="001099000001").content.decode()
    assert other.code not in text and 'lookup-owned-empty' in text
    client.force_login(other.applicant)
    assert received.code not in page(client, q=ID_NUMBER).content.decode()


def test_the_page_is_rate_limited_per_address(client, received, settings):
    for _ in range(lookup.RATE_PER_MINUTE):
        assert page(client, ma=received.code).status_code == 200
    response = page(client, ma=received.code)
    assert response.status_code == 429
    text = response.content.decode()
    assert "tra cứu quá nhiều lần" in text and 'data-testid="lookup-result"' not in text
    other = client.get(reverse("lookup:search"), {"ma": received.code},
                       REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200


def test_the_empty_page_shows_the_form_and_is_not_counted(client, db):
    for _ in range(lookup.RATE_PER_MINUTE + 2):
        response = client.get(reverse("lookup:search"))
    assert response.status_code == 200
    assert 'data-testid="lookup-code"' in response.content.decode()


def test_api_gives_the_same_public_data(client, received):
    response = api(client, ma=received.code)
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == received.code and data["state"] == "processing"
    assert data["national_status"] == 4 and data["applicant_initials"] == "N. V. A."
    assert data["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}
    assert data["agency"]["name"] == "UBND phường Hạc Thành"
    assert data["due_at"].startswith("2026-03-16T17:30")
    assert_no_personal_data(response.content.decode())


def test_api_not_found_and_missing_code(client, received):
    response = api(client, ma="000.01.30.H56-260309-9999")
    assert response.status_code == 404
    assert response.json()["reason"] == "not_found" and response.json()["detail"]
    assert api(client, ma=received.code, q="001099000001").status_code == 404
    missing = api(client)
    assert missing.status_code == 400 and missing.json()["reason"] == "code_required"


def test_api_is_rate_limited(client, received):
    for _ in range(lookup.RATE_PER_MINUTE):
        assert api(client, ma=received.code).status_code == 200
    response = api(client, ma=received.code)
    assert response.status_code == 429
    assert response.json()["reason"] == "rate_limited" and response["Retry-After"] == "60"
