"""E-mail to the applicant on every change that concerns them (D10; TG 15.2.a).

Sent by a Celery task after the transition commits, so a mail server that is down never blocks
or rolls back a dossier transition; the task retries with backoff. Like the issued documents,
the messages are in Vietnamese whatever language the portal shows. SMS and the delivery log come
with the notifications issue.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.agencies.models import Province

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


@shared_task(name="dossiers.notify_applicant", bind=True, max_retries=6,
             autoretry_for=(SMTPException, OSError), retry_backoff=30, retry_backoff_max=3600)
def notify_applicant(self: object, event_id: int) -> bool:
    """Send the message of one event to the applicant's e-mail, if they gave one."""
    event = DossierEvent.objects.select_related("dossier", "dossier__procedure",
                                                "dossier__receiving_agency").filter(
        pk=event_id).first()
    if event is None or not event.dossier.applicant_email:
        return False
    message = message_for(event)
    if message is None:
        return False
    subject, body = message
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [event.dossier.applicant_email])
    return True
