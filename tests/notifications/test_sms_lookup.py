"""TN 12.6.c: an SMS "HS <dossier code>" gets the dossier's state back through the gateway."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from dossiers import services
from portal.notifications.models import Delivery, InboundSms
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory
from tests.procedures.factories import ProcedureFactory
from tests.sms_gateway import TOKEN, sms_gateway  # noqa: F401 - fixture

URL = "/api/v1/sms/inbound/"


def submitted():
    agency = AgencyFactory(code="000.01.30.H56", name="UBND xã An Bình")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5),
                                 name="Đăng ký kết hôn")
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(full_name="Nguyễn Văn An", email="", phone="")
    return services.submit(services.start_draft(procedure, applicant=citizen), by=citizen)


def post(data, token=TOKEN):
    client = APIClient()
    return client.post(URL, data, format="json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db(transaction=True)
def test_lookup_over_real_http_answers_through_the_gateway(live_server, sms_gateway):  # noqa: F811
    dossier = submitted()
    status, answer = sms_gateway.receive(live_server.url, "0912 345 678",
                                         f"hs {dossier.code.lower()}", "g-1")
    assert status == 200 and answer["outcome"] == "found"
    assert sms_gateway.messages == [{"to": "+84912345678", "text": answer["reply"],
                                     "sender": "DICHVUCONG"}]
    text = answer["reply"]
    assert text.startswith(f"HS {dossier.code}: ") and text.isascii()
    assert "cho tiep nhan" in text.lower() and "Han tiep nhan:" in text
    # the gateway retries its webhook: same answer, no second SMS
    status, again = sms_gateway.receive(live_server.url, "0912345678", "HS whatever", "g-1")
    assert status == 200 and again["duplicate"] and again["reply"] == text
    status, unknown = sms_gateway.receive(live_server.url, "0912345678", "HS 000.00.00.H00-1")
    assert unknown["outcome"] == "unknown" and "Khong tim thay ho so" in unknown["reply"]
    assert len(sms_gateway.messages) == 2
    assert Delivery.objects.filter(kind="sms_lookup", status="sent").count() == 2


@pytest.mark.django_db
def test_wrong_syntax_gets_the_syntax_back(sms_gateway, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        response = post({"from": "0912345678", "text": "xin chao", "id": "a"})
    assert response.status_code == 200 and response.json()["outcome"] == "invalid"
    assert "HS <ma ho so>" in sms_gateway.messages[0]["text"]


@pytest.mark.django_db
def test_a_phone_number_is_rate_limited(settings, sms_gateway,  # noqa: F811
                                        django_capture_on_commit_callbacks):
    settings.SMS_LOOKUP_RATE_PER_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        codes = [post({"from": "0912345678", "text": "HS X-1", "id": f"r{i}"}).status_code
                 for i in range(3)]
        other = post({"from": "0987654321", "text": "HS X-1", "id": "o"}).status_code
    assert codes == [200, 200, 429] and other == 200
    assert len(sms_gateway.messages) == 3  # no reply to the rate-limited one
    assert InboundSms.objects.get(gateway_id="r2").outcome == "rate_limited"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "wrong"])
def test_only_the_gateway_may_post(sms_gateway, token):  # noqa: F811
    response = post({"from": "0912345678", "text": "HS X", "id": "t"}, token=token)
    assert response.status_code in (401, 403)
    assert not InboundSms.objects.exists()


@pytest.mark.django_db
def test_a_bad_record_gets_the_field_errors(sms_gateway):  # noqa: F811
    response = post({"text": "HS X"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"from", "id"}


@pytest.mark.django_db
def test_inbound_is_off_without_a_token(settings):
    settings.SMS_INBOUND_TOKEN = ""
    assert post({"from": "0912345678", "text": "HS X", "id": "t"}, token="").status_code in (
        401, 403)
