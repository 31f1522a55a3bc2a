"""D10: the applicant also gets an SMS through the gateway (a local stand-in here)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from dossiers import services
from dossiers.notifications import send_sms_for_event
from portal.notifications.models import Delivery
from portal.notifications.sms import international
from portal.notifications.tasks import send_due
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory
from tests.procedures.factories import ProcedureFactory
from tests.sms_gateway import sms_gateway  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_phone_numbers_are_made_international():
    assert international("0912 345 678") == "+84912345678"
    assert international("+84912345678") == "+84912345678"
    assert international("12345") is None


def submitted_dossier(phone="0912345678"):
    agency = AgencyFactory(code="000.01.30.H56")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5),
                                 name="Đăng ký kết hôn")
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(phone=phone, full_name="Nguyễn Văn An")
    dossier = services.start_draft(procedure, applicant=citizen)
    return services.submit(dossier, by=citizen)


def test_the_applicant_gets_an_sms_without_diacritics(sms_gateway,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_dossier()
    assert len(sms_gateway.messages) == 1
    message = sms_gateway.messages[0]
    assert message["to"] == "+84912345678"
    assert f"Ho so {dossier.code} da duoc nop" in message["text"]
    assert f"/tra-cuu/?ma={dossier.code}" in message["text"]


def test_a_failing_gateway_never_blocks_the_dossier_and_is_retried_later(
        sms_gateway, django_capture_on_commit_callbacks):  # noqa: F811
    sms_gateway.fail_with = 503
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_dossier()
    dossier.refresh_from_db()
    assert dossier.state == "submitted"  # the transition committed regardless
    event = dossier.events.get()
    sms = Delivery.objects.get(channel="sms", dedupe_key=f"dossier_event:{event.pk}")
    assert sms.status == "failed" and sms.attempts == 1 and "503" in sms.last_error
    assert sms_gateway.messages == []
    sms_gateway.fail_with = None
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert send_due() >= 1
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.provider_id == "m1" and sms.attempts == 2
    assert send_sms_for_event.run(event.pk) == "sent"  # asked again: not sent twice
    assert len(sms_gateway.messages) == 1
