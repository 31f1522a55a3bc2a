"""E-mail to the applicant on every change that concerns them (D10; TG 15.2.a).

Sent by a Celery task after the transition commits, so a mail server that is down never blocks
or rolls back a dossier transition; the tasks retry with backoff, e-mail and SMS apart. Like
the issued documents, the messages are in Vietnamese whatever language the portal shows. The
delivery log and in-app messages come with the notifications issue.
"""

from __future__ import annotations

import logging
import unicodedata
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.agencies.models import Province
from portal.notifications.sms import SmsError, send_sms

from .models import DossierEvent

logger = logging.getLogger(__name__)

#: Transitions the applicant is told about, with the subject of the message.
SUBJECTS = {
    "submit": "Hồ sơ {code} đã được nộp",
    "resubmit": "Hồ sơ {code} đã được bổ sung",
    "accept": "Hồ sơ {code} đã được tiếp nhận",
    "register_at_counter": "Hồ sơ {code} đã được tiếp nhận",
    "ask_to_complete": "Hồ sơ {code} cần bổ sung, hoàn thiện",
    "refuse": "Hồ sơ {code} không được tiếp nhận",
    "close_incomplete": "Hồ sơ {code} đã bị đóng do không bổ sung đúng hạn",
    "withdraw": "Hồ sơ {code} đã được rút",
}


def message_for(event: DossierEvent) -> tuple[str, str] | None:
    """The subject and body (Vietnamese) of the message for ``event``, or ``None``."""
    subject = SUBJECTS.get(event.transition)
    if subject is None:
        return None
    dossier = event.dossier
    with translation.override("vi"):
        body = render_to_string("dossiers/email/transition.txt", {
            "event": event, "dossier": dossier, "province": Province.current(),
            "at": timezone.localtime(event.at),
        })
    return subject.format(code=dossier.code or dossier.pk), body


def sms_for(event: DossierEvent) -> str | None:
    """The short text of the message (without diacritics, as gateways bill GSM-7)."""
    message = message_for(event)
    if message is None:
        return None
    domain = Province.current().domain
    return fold_keep_case(f"{message[0]}. Tra cuu: {domain}/tra-cuu/?ma={event.dossier.code}")


def fold_keep_case(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


@shared_task(name="dossiers.notify_applicant", bind=True, max_retries=6,
             autoretry_for=(SMTPException, OSError), retry_backoff=30, retry_backoff_max=3600)
def notify_applicant(self: object, event_id: int) -> bool:
    """Send the message of one event by e-mail and SMS to the applicant's contacts."""
    event = DossierEvent.objects.select_related("dossier", "dossier__procedure",
                                                "dossier__receiving_agency").filter(
        pk=event_id).first()
    message = message_for(event) if event is not None else None
    if event is None or message is None:
        return False
    dossier = event.dossier
    if dossier.applicant_email:
        subject, body = message
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [dossier.applicant_email])
    if dossier.applicant_phone:
        send_sms_for_event.delay(event.pk)
    return True


@shared_task(name="dossiers.sms_applicant", bind=True, max_retries=6,
             autoretry_for=(SmsError,), retry_backoff=30, retry_backoff_max=3600)
def send_sms_for_event(self: object, event_id: int) -> str | None:
    """The SMS of one event, retried apart from the e-mail so neither is sent twice."""
    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    text = sms_for(event) if event is not None else None
    if event is None or text is None:
        return None
    return send_sms(event.dossier.applicant_phone, text)
