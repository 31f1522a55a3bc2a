"""D10: the applicant's messages per dossier event, through the delivery log; a channel that is
down never blocks a transition."""

from datetime import timedelta
from decimal import Decimal
from smtplib import SMTPException
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from dossiers import services
from dossiers.models import DossierEvent
from dossiers.notifications import SUBJECTS, message_for, sms_for
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.notifications.models import Delivery, Message
from portal.notifications.tasks import send_due
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    agency = AgencyFactory(code="000.01.30.H56", name="UBND xã An Bình")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5),
                                 name='Đăng ký "kết hôn"')
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(email="an@example.vn", full_name="Nguyễn Văn An", phone="0912345678")
    clerk = officer(agency, Role.INTAKE_OFFICER)
    Membership.objects.update(is_active=True)
    return services.start_draft(procedure, applicant=citizen), citizen, clerk


def test_a_citizen_with_an_account_gets_email_sms_and_inbox(world, settings,
                                                          django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""  # SMS off here: recorded as failed, the others go out
    draft, citizen, clerk = world
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, by=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(draft, by=clerk)
    draft.refresh_from_db()
    inbox = list(Message.objects.filter(user=citizen).order_by("pk"))
    assert [m.subject for m in inbox] == [f"Hồ sơ {draft.code} đã được nộp",
                                          f"Hồ sơ {draft.code} đã được tiếp nhận"]
    assert inbox[0].link == f"/ho-so/cua-toi/{draft.pk}/"
    assert inbox[0].kind == "dossier_submit"
    assert 'thủ tục "Đăng ký "kết hôn""' in inbox[0].body  # plain text: nothing escaped
    assert [m.subject for m in mail.outbox] == [m.subject for m in inbox]
    statuses = sorted(Delivery.objects.values_list("channel", "status"))
    assert statuses == [("email", "sent"), ("email", "sent"), ("in_app", "sent"),
                        ("in_app", "sent"), ("sms", "failed"), ("sms", "failed")]


def test_smtp_down_the_transition_commits_and_the_mail_goes_later(
        world, django_capture_on_commit_callbacks):
    draft, citizen, _clerk = world
    with mock.patch("portal.notifications.services.send_mail",
                    side_effect=SMTPException("451 try later")), \
            django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, by=citizen)
    draft.refresh_from_db()
    assert draft.state == "submitted"
    email = Delivery.objects.get(channel="email")
    assert (email.status, email.attempts) == ("failed", 1)
    assert "451 try later" in email.last_error
    assert Message.objects.filter(user=citizen).count() == 1  # in-app is not held up
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        send_due()
    email.refresh_from_db()
    assert email.status == "sent" and len(mail.outbox) == 1


def test_a_failed_transition_leaves_no_message(world, django_capture_on_commit_callbacks):
    draft, _citizen, clerk = world
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DossierError):
        services.accept(draft, by=clerk)
    assert mail.outbox == [] and not Delivery.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize(("transition", "data", "reason", "expected"), [
    ("ask_supplement", {"missing": ["Bản sao sổ hộ khẩu"]}, "", "1. Bản sao sổ hộ khẩu"),
    ("ask_payment", {"amount": 50000}, "Lệ phí", "50000 đồng"),
    ("apologise", {"new_due": "2026-12-15T16:30:00+07:00"}, "Chờ xác minh",
     "Thời gian hẹn trả kết quả mới: 16:30 15/12/2026"),
    ("stop", {}, "Người yêu cầu đã chết", "dừng xử lý"),
    ("settle", {}, "", "đã có kết quả"),
    ("return_result", {}, "", "đã được trả"),
    ("refuse", {}, "Không thuộc thẩm quyền", "Lý do: Không thuộc thẩm quyền"),
])
def test_each_event_has_its_vietnamese_message(world, transition, data, reason, expected):
    draft, citizen, _clerk = world
    services.submit(draft, by=citizen)
    draft.refresh_from_db()
    event = DossierEvent.objects.create(dossier=draft, at=timezone.now(), actor_kind="officer",
                                        transition=transition, from_state="processing",
                                        to_state="processing", reason=reason, data=data)
    subject, body = message_for(event)
    assert subject == SUBJECTS[transition].format(code=draft.code)
    assert expected in body
    assert body.startswith("Kính gửi Nguyễn Văn An,")
    assert f"/tra-cuu/?ma={draft.code}" in body
    text = sms_for(event)
    assert text.isascii() or "đ" not in text
    assert f"/tra-cuu/?ma={draft.code}" in text


def test_a_broken_message_never_blocks_the_transition_and_is_written_after_commit(
        world, django_capture_on_commit_callbacks):
    draft, citizen, _clerk = world
    with mock.patch("dossiers.notifications.render_to_string",
                    side_effect=[RuntimeError("template broken")]), \
            django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit(draft, by=citizen)
    draft.refresh_from_db()
    assert draft.state == "submitted" and not Message.objects.exists()
    for callback in callbacks:  # after commit: notify_applicant writes and sends it
        callback()
    assert Message.objects.filter(user=citizen, kind="dossier_submit").count() == 1
    assert len(mail.outbox) == 1
