"""D1/I2: dossiers submitted on the national portal arrive through the inbound API and enter the
same intake queue with channel DVCQG."""

import pytest

from dossiers.models import Dossier
from dossiers.states import Channel, State
from tests.dossiers.test_transitions import at
from tests.factories import AgencyFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/dvcqg/dossiers/"
TOKEN = "portal-shared-secret"


@pytest.fixture
def record(settings):
    settings.DVCQG_INBOUND_TOKEN = TOKEN
    from procedures.services import publish

    agency = AgencyFactory(code="000.01.30.H56")
    procedure = ProcedureFactory(national_code="1.001193", owner_agency=agency)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    return {"MaHoSo": "000.01.30.H56-260306-DV0001", "MaTTHC": "1.001193",
            "DonViXuLy": "000.01.30.H56", "ChuHoSo": "Lê Văn Cường",
            "MaDoiTuong": "038090005678", "SoDienThoai": "0912000333",
            "Email": "cuong@example.vn", "TrichYeuHoSo": "Đăng ký khai sinh cho con",
            "NgayTiepNhan": "20260306190000"}


def post(client, data, token=TOKEN):
    return client.post(URL, data, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_portal_dossier_enters_the_intake_queue(client, record):
    response = post(client, record)
    assert response.status_code == 201 and response.json()["error_code"] == 0
    dossier = Dossier.objects.get(code=record["MaHoSo"])
    assert dossier.state == State.SUBMITTED and dossier.channel == Channel.DVCQG
    assert dossier.intake_due_at == at(2026, 3, 9, 17, 30)  # W2 from Friday 19:00
    assert dossier.events.get().actor_kind == "system"
    again = post(client, record)  # the portal resends: nothing duplicated
    assert again.status_code == 200 and Dossier.objects.filter(code=record["MaHoSo"]).count() == 1


def test_bad_records_get_reasons(client, record):
    for field, value in (("MaTTHC", "9.999999"), ("DonViXuLy", "000.99.99.H56"),
                         ("NgayTiepNhan", "06/03/2026"), ("MaHoSo", "abc")):
        response = post(client, {**record, field: value})
        assert response.status_code == 400
        assert field in response.json()["errors"]
    assert not Dossier.objects.exists()


def test_only_the_portal_may_push(client, record, settings):
    assert post(client, record, token="wrong").status_code == 403
    settings.DVCQG_INBOUND_TOKEN = ""
    assert post(client, record).status_code == 403
    assert not Dossier.objects.exists()
