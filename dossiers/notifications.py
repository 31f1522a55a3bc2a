"""The applicant is told of every change that concerns them (D10; TG 15.2.a).

:func:`write_applicant_messages` runs as a dossier event handler, inside the transition's
transaction: it calls :func:`portal.notifications.services.notify`, which writes the in-app
message (for an applicant with an account), the e-mail and the SMS to the delivery log. The
worker sends them after commit with retries, so a mail server or SMS gateway that is down never
blocks or rolls back a dossier transition. The messages are in Vietnamese whatever language the
portal shows (one template per event under ``templates/dossiers/email/``), and deduplicated per
event (``dossier_event:<id>``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.agencies.models import Province
from portal.notifications.models import Delivery
from portal.notifications.services import fold_diacritics, notify, send_delivery

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
    "ask_supplement": "Hồ sơ {code} cần bổ sung giấy tờ",
    "supplement": "Hồ sơ {code} đã nhận được giấy tờ bổ sung",
    "ask_payment": "Hồ sơ {code} chờ thực hiện nghĩa vụ tài chính",
    "confirm_payment": "Hồ sơ {code} đã được xác nhận thanh toán",
    "apologise": "Hồ sơ {code} bị chậm: thư xin lỗi và hẹn lại ngày trả kết quả",
    "stop": "Hồ sơ {code} đã bị dừng xử lý",
    "settle": "Hồ sơ {code} đã có kết quả",
    "return_result": "Kết quả hồ sơ {code} đã được trả",
}

#: One template per event; events sharing a message share a template.
TEMPLATES = {"register_at_counter": "accept"}

KIND_PREFIX = "dossier_"


def dedupe_key(event: DossierEvent) -> str:
    return f"dossier_event:{event.pk}"


def _iso(value: object) -> datetime | None:
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def message_for(event: DossierEvent) -> tuple[str, str] | None:
    """The subject and body (Vietnamese) of the message for ``event``, or ``None``."""
    subject = SUBJECTS.get(event.transition)
    if subject is None:
        return None
    dossier = event.dossier
    template = TEMPLATES.get(event.transition, event.transition)
    data = event.data or {}
    with translation.override("vi"):
        body = render_to_string(f"dossiers/email/{template}.txt", {
            "event": event, "dossier": dossier, "province": Province.current(),
            "at": timezone.localtime(event.at), "data": data,
            "new_due": _iso(data.get("new_due")) or dossier.rescheduled_due_at,
            "lookup_path": lookup_path(dossier.code),
            "warehouse_path": reverse("warehouse:list"),
        })
    return subject.format(code=dossier.code or dossier.pk), body


def lookup_path(code: str | None) -> str:
    return f"/tra-cuu/?ma={code or ''}"


def sms_for(event: DossierEvent) -> str | None:
    """The short text of the message (without diacritics, as gateways bill GSM-7)."""
    message = message_for(event)
    if message is None:
        return None
    domain = Province.current().domain
    return fold_diacritics(f"{message[0]}. Tra cuu: {domain}{lookup_path(event.dossier.code)}")


#: Kept for callers of the previous module.
fold_keep_case = fold_diacritics


def write_applicant_messages(event: DossierEvent) -> None:
    """Dossier event handler: queue the applicant's message in the transition's transaction
    (in-app for an applicant with an account, e-mail and SMS to the dossier's contacts). Never
    fails the transition: on an error the message is left to ``notify_applicant``, which the
    transition also queues after commit and which writes it if it is still missing."""
    try:
        with transaction.atomic():
            _write_applicant_messages(event)
    except Exception:
        logger.exception("applicant message of event %s not written; retried after commit",
                         event.pk)


def _write_applicant_messages(event: DossierEvent) -> None:
    message = message_for(event)
    if message is None:
        return
    dossier = event.dossier
    subject, body = message
    notify(kind=KIND_PREFIX + event.transition, subject=subject, body=body,
           user=dossier.applicant, email=dossier.applicant_email, phone=dossier.applicant_phone,
           sms=sms_for(event), link=lookup_path(dossier.code) if dossier.applicant is None
           else reverse("dossiers_citizen:detail", args=[dossier.pk]), dedupe_key=dedupe_key(event))


@shared_task(name="dossiers.notify_applicant", bind=True)
def notify_applicant(self: object, event_id: int) -> bool:
    """Make sure the message of one event is in the delivery log and sent (idempotent: the
    transition's handler normally wrote it already; then this only sends what is still due)."""
    event = DossierEvent.objects.select_related("dossier", "dossier__procedure",
                                                "dossier__receiving_agency",
                                                "dossier__applicant").filter(pk=event_id).first()
    if event is None or event.transition not in SUBJECTS:
        return False
    _write_applicant_messages(event)
    for pk in Delivery.objects.filter(dedupe_key=dedupe_key(event)).exclude(
            status=Delivery.Status.SENT).values_list("pk", flat=True):
        send_delivery(pk)
    return True


@shared_task(name="dossiers.sms_applicant", bind=True)
def send_sms_for_event(self: object, event_id: int) -> str | None:
    """Send the SMS of one event if it is still due; its delivery status afterwards."""
    delivery = Delivery.objects.filter(dedupe_key=f"dossier_event:{event_id}",
                                       channel=Delivery.Channel.SMS).first()
    if delivery is None:
        return None
    send_delivery(delivery.pk)
    delivery.refresh_from_db()
    return delivery.status
