"""I2: ministries' systems create dossiers and push status changes through /api/v1/ministry/
(token per system, only their procedures, 4xx with field errors, logged, never 500); dossiers
submitted on the national portal are fetched into the intake queue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.states import Channel, State
from portal.dvcqg.inbound import fetch_submitted
from portal.dvcqg.models import InboundLog, MinistrySystem, OutboxEvent
from procedures.services import publish
from tests.factories import AgencyFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/ministry/dossiers/"


@pytest.fixture
def world(db):
    agency = AgencyFactory(code="000.01.30.H56")
    mine = ProcedureFactory(national_code="1.001193", owner_agency=agency)
    other = ProcedureFactory(national_code="2.000635", owner_agency=agency)
    for procedure in (mine, other):
        procedure.receiving_agencies.add(agency)
        publish(procedure)
    system = MinistrySystem(code="btp-hotich", name="Phần mềm hộ tịch (Bộ Tư pháp)")
    token = system.set_new_token()
    system.save()
    system.procedures.add(mine)
    record = {"MaHoSo": "000.01.30.H56-260306-BT0001", "MaTTHC": "1.001193",
              "DonViXuLy": "000.01.30.H56", "ChuHoSo": "Lê Văn Cường",
              "MaDoiTuong": "038090005678", "SoDienThoai": "0912000333",
              "TrichYeuHoSo": "Đăng ký khai sinh", "NgayTiepNhan": "20260306190000"}
    return system, token, record


def post(client, url, data, token):
    return client.post(url, data, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_system_creates_a_dossier_and_moves_it(client, world):
    _system, token, record = world
    response = post(client, URL, record, token)
    assert response.status_code == 201 and response.json()["error_code"] == 0
    dossier = Dossier.objects.get(code=record["MaHoSo"])
    assert dossier.state == State.SUBMITTED and dossier.channel == Channel.ONLINE
    assert dossier.events.get().data == {"source": "btp-hotich"}
    assert post(client, URL, record, token).status_code == 200  # idempotent by code
    assert Dossier.objects.filter(code=record["MaHoSo"]).count() == 1

    status_url = f"{URL}{record['MaHoSo']}/status/"
    response = post(client, status_url, {"TrangThaiHoSo": 2}, token)
    assert response.status_code == 200, response.json()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED and dossier.processing_due_at is not None
    event = dossier.events.order_by("-id").first()
    assert event.actor_kind == "system" and event.data == {"source": "btp-hotich"}
    # A status the dossier cannot reach from where it is: 409 with the reason.
    response = post(client, status_url, {"TrangThaiHoSo": 10}, token)
    assert response.status_code == 409 and "TrangThaiHoSo" in response.json()["errors"]
    assert post(client, status_url, {"TrangThaiHoSo": 4}, token).status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert InboundLog.objects.filter(source="btp-hotich").count() == 5
    # The national portal learns of the ministry's dossier (status 1, then 2 and 4).
    statuses = list(OutboxEvent.objects.filter(dossier=dossier).values_list(
        "national_status", flat=True))
    assert statuses == [1, 2, 4]


def test_bad_packets_get_field_errors_and_are_logged(client, world):
    _system, token, record = world
    for field, value in (("MaTTHC", "9.999999"), ("DonViXuLy", "000.99.99.H56"),
                         ("NgayTiepNhan", "06/03/2026"), ("MaHoSo", "abc")):
        response = post(client, URL, {**record, field: value}, token)
        assert response.status_code == 400
        assert field in response.json()["errors"]
    response = client.post(URL, "{not json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    response = client.post(URL, "[1, 2]", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    post(client, URL, record, token)
    status_url = f"{URL}{record['MaHoSo']}/status/"
    for body in ({"TrangThaiHoSo": 11}, {"TrangThaiHoSo": "x"}, {}):
        response = post(client, status_url, body, token)
        assert response.status_code == 400 and "TrangThaiHoSo" in response.json()["errors"]
    refused = InboundLog.objects.filter(status_code=400)
    assert refused.count() >= 7 and all(log.errors for log in refused)


def test_only_its_own_procedures_and_dossiers(client, world):
    _system, token, record = world
    response = post(client, URL, {**record, "MaTTHC": "2.000635"}, token)
    assert response.status_code == 403 and "MaTTHC" in response.json()["errors"]
    # A dossier of another procedure (another system's, or ours) is not found for this system.
    other = {**record, "MaHoSo": "000.01.30.H56-260306-BT0002"}
    assert post(client, URL, other, token).status_code == 201
    Dossier.objects.filter(code=other["MaHoSo"]).update(
        procedure=Dossier.objects.get(code=other["MaHoSo"]).procedure.__class__.objects.get(
            national_code="2.000635"))
    response = post(client, f"{URL}{other['MaHoSo']}/status/", {"TrangThaiHoSo": 2}, token)
    assert response.status_code == 404
    assert Dossier.objects.get(code=other["MaHoSo"]).state == State.SUBMITTED


def test_tokens(client, world):
    system, token, record = world
    assert post(client, URL, record, "wrong").status_code == 401
    assert client.post(URL, record, content_type="application/json").status_code in (401, 403)
    MinistrySystem.objects.filter(pk=system.pk).update(is_active=False)
    assert post(client, URL, record, token).status_code == 401
    assert not Dossier.objects.exists()
    assert system.token_hash != token and len(system.token_hash) == 64  # only the hash stored


def test_dossiers_submitted_on_the_portal_are_fetched_into_intake(world, standin, settings):
    _system, _token, record = world
    settings.DVCQG_FETCH_DAYS = 3650  # the record is from March 2026
    standin.submitted.extend([record, {**record, "MaHoSo": "bad", "MaTTHC": "x"}])
    counts = fetch_submitted()
    assert counts == {"received": 1, "known": 0, "refused": 1}
    dossier = Dossier.objects.get(code=record["MaHoSo"])
    assert dossier.state == State.SUBMITTED and dossier.channel == Channel.DVCQG
    assert fetch_submitted()["known"] == 1  # fetched again: nothing duplicated
    assert not OutboxEvent.objects.exists()  # the portal is not told about its own dossier
    assert Dossier.objects.count() == 1
    assert InboundLog.objects.filter(source="DVCQG", status_code=400).exists()


def test_a_code_of_another_source_is_refused_not_handed_out(client, world):
    """Idempotency by code holds only for the same source: a ministry packet reusing the code
    of a dossier that came from the national portal gets an error, never that dossier."""
    from dossiers import services
    from portal.agencies.models import Agency
    from procedures.models import Procedure

    _system, token, record = world
    procedure = Procedure.objects.get(national_code="1.001193")
    agency = Agency.objects.get(code="000.01.30.H56")
    _portal_dossier, created = services.receive_from_portal(
        procedure, agency, code=record["MaHoSo"],
        submitted_at=timezone.now(), applicant_name="Trần Thị Lan")
    assert created
    response = post(client, URL, record, token)
    assert response.status_code in (400, 409)
    assert "Trần Thị Lan" not in response.content.decode()
    assert Dossier.objects.filter(code=record["MaHoSo"]).count() == 1
