"""D10: notify() writes a delivery log in the caller's transaction and the worker sends it after
commit, with retries, backoff and deduplication; a failed channel never raises."""

from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.notifications.models import Delivery, Message
from portal.notifications.services import MAX_ATTEMPTS, notify, send_delivery
from portal.notifications.tasks import send_due
from tests.factories import UserFactory
from tests.sms_gateway import sms_gateway  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_one_call_gives_an_inbox_message_an_email_and_an_sms(
        sms_gateway, django_capture_on_commit_callbacks):  # noqa: F811
    user = UserFactory(email="an@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="test", subject="Hồ sơ đã được tiếp nhận", body="Nội dung", user=user,
               phone="0912345678", link="/tra-cuu/?ma=X")
    message = Message.objects.get()
    assert (message.user, message.subject, message.read_at) == (user, "Hồ sơ đã được tiếp nhận",
                                                                None)
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert "/tra-cuu/?ma=X" in mail.outbox[0].body
    assert sms_gateway.messages[0]["text"] == "Ho so da duoc tiep nhan"
    assert sms_gateway.messages[0]["to"] == "+84912345678"
    log = {d.channel: d for d in Delivery.objects.all()}
    assert {c: d.status for c, d in log.items()} == {"in_app": "sent", "email": "sent",
                                                     "sms": "sent"}
    assert log["sms"].provider_id == "m1" and log["email"].attempts == 1


def test_nothing_is_sent_before_commit_and_nothing_after_a_rollback(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), \
            transaction.atomic():
            notify(kind="test", subject="S", body="B", email="a@example.vn")
            assert mail.outbox == []
            raise RuntimeError
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_same_dedupe_key_twice_sends_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="t", subject="S", body="B", user=user, dedupe_key="k:1")
        notify(kind="t", subject="S", body="B", user=user, dedupe_key="k:1")
    assert len(mail.outbox) == 1
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 2


def test_smtp_down_records_the_failure_and_retries_with_backoff(
        django_capture_on_commit_callbacks):
    with mock.patch("portal.notifications.services.send_mail",
                    side_effect=SMTPException("connection refused")), \
            django_capture_on_commit_callbacks(execute=True):
        notify(kind="t", subject="S", body="B", email="a@example.vn")
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "connection refused" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert send_due() == 0  # not yet due: backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert send_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2 and len(mail.outbox) == 1
    assert send_delivery(delivery.pk) == "skipped"  # already sent: never sent twice
    assert len(mail.outbox) == 1


def test_gives_up_after_the_last_attempt():
    with mock.patch("portal.notifications.services.send_mail", side_effect=OSError("down")):
        notify(kind="t", subject="S", body="B", email="a@example.vn")
        delivery = Delivery.objects.get()
        for _ in range(MAX_ATTEMPTS):
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == MAX_ATTEMPTS and delivery.next_attempt_at is None
    assert send_due() == 0


def test_a_worker_killed_mid_send_is_retried_after_its_lease():
    notify(kind="t", subject="S", body="B", email="a@example.vn")
    delivery = Delivery.objects.get()
    mail.outbox.clear()
    # A worker claimed the row and died before marking it: nobody else sends it for now …
    Delivery.objects.filter(pk=delivery.pk).update(
        status="pending", sent_at=None, locked_until=timezone.now() + timedelta(minutes=5),
        next_attempt_at=timezone.now())
    assert send_delivery(delivery.pk) == "skipped"
    # … and once the lease ran out, the sweep sends it exactly once.
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert send_due() == 1
        assert send_due() == 0
    assert len(mail.outbox) == 1


def test_sms_without_gateway_fails_for_good(settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="t", subject="S", body="B", phone="0912345678", in_app=False)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert "not configured" in delivery.last_error


def test_failed_notifications_are_in_the_operators_digest():
    from portal.ops import digest

    with mock.patch("portal.notifications.services.send_mail", side_effect=OSError("refused")):
        notify(kind="step_due_soon", subject="Bước sắp đến hạn", body="B",
               email="nguyenvanan@example.vn")
        send_delivery(Delivery.objects.get().pk)
    notify(kind="t", subject="Đã gửi", body="B", email="ok@example.vn")
    section = next(s for s in digest.sections() if s.name == "Failed notifications")
    lines = section.fn(timezone.now() - timedelta(hours=24))
    assert len(lines) == 1
    assert "ng***@example.vn" in lines[0] and "nguyenvanan" not in lines[0]
    assert "step_due_soon" in lines[0] and "refused" in lines[0]


def test_operators_see_the_log_and_send_again_others_do_not(client):
    from portal.accounts.roles import Role
    from portal.audit.models import AuditEntry
    from tests.factories import AgencyFactory, officer

    with mock.patch("portal.notifications.services.send_mail", side_effect=OSError("down")):
        notify(kind="t", subject="Thư lỗi", body="B", email="a@example.vn")
        delivery = Delivery.objects.get()
        for _ in range(MAX_ATTEMPTS):
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            send_delivery(delivery.pk)
    agency = AgencyFactory()
    clerk = officer(agency, Role.AGENCY_ADMIN)
    client.force_login(clerk)
    assert client.get("/admin/notifications/delivery/").status_code in (302, 403)
    operator = officer(agency, Role.OPERATOR)
    client.force_login(operator)
    assert "Thư lỗi" in client.get("/admin/notifications/delivery/").content.decode()
    assert client.get(f"/admin/notifications/delivery/{delivery.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(action="view_personal_data",
                                     object_id=str(delivery.pk)).exists()
    client.post("/admin/notifications/delivery/",
                {"action": "send_again", "_selected_action": [delivery.pk]})
    assert send_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
