"""Dossier lookup by SMS (TN 12.6.c: the system answers automatically by SMS).

The citizen texts ``HS <dossier code>`` to the province's short number; the gateway posts the
message to ``/api/v1/sms/inbound/`` and we answer through the gateway with what the public
lookup (D8) shows: the state and the due date, nothing personal. Each gateway message id is
handled once (a retried webhook gets the same answer and no second SMS), and each phone number
may ask ``SMS_LOOKUP_RATE_PER_HOUR`` times an hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from dossiers.lookup import PublicDossier, by_code, normalise_code
from dossiers.states import State
from portal import ratelimit

from .models import InboundSms
from .services import fold_diacritics, notify
from .sms import international

RATE_SCOPE = "sms-lookup"
_COMMAND = re.compile(r"^\s*HS\s+(?P<code>\S+)\s*$", re.IGNORECASE)


class Outcome:
    FOUND = "found"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Answer:
    outcome: str
    reply: str
    duplicate: bool = False


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")  # type: ignore[arg-type]


def describe(found: PublicDossier) -> str:
    """``HS <code>: <state>. Han …: <date>.`` without diacritics."""
    with translation.override("vi"):
        text = f"HS {found.code}: {found.state_display}."
        if found.state == State.SUBMITTED and found.intake_due_at:
            text += f" Han tiep nhan: {_when(found.intake_due_at)}."
        elif found.state == State.INCOMPLETE and found.completion_due_at:
            text += f" Han bo sung: {_when(found.completion_due_at)}."
        elif found.closed_at is None and found.due_at and found.state not in (
                State.SETTLED, State.RETURNED, State.WITHDRAWN, State.STOPPED, State.REFUSED):
            text += f" Han tra ket qua: {_when(found.due_at)}."
        text += f" {found.agency_name}."
    return fold_diacritics(text)


def answer_for(text: str) -> tuple[str, str]:
    """(outcome, reply) for the text of an incoming SMS."""
    match = _COMMAND.match(text or "")
    if match is None:
        return Outcome.INVALID, "Sai cu phap. De tra cuu ho so, soan: HS <ma ho so>"
    code = normalise_code(match.group("code"))
    with translation.override("vi"):
        found = by_code(code) if code else None
    if found is None:
        shown = fold_diacritics(match.group("code"))[:40]
        return Outcome.UNKNOWN, (f"Khong tim thay ho so co ma {shown}. Vui long kiem tra lai ma "
                                 "ho so tren giay tiep nhan (soan: HS <ma ho so>).")
    return Outcome.FOUND, describe(found)


def handle(gateway_id: str, sender: str, text: str) -> Answer:
    """Answer one incoming SMS once: the reply goes out through the delivery log."""
    previous = InboundSms.objects.filter(gateway_id=gateway_id).first()
    if previous is not None:
        return Answer(previous.outcome, previous.reply, duplicate=True)
    phone = international(sender) or sender
    limit = getattr(settings, "SMS_LOOKUP_RATE_PER_HOUR", 10)
    if not ratelimit.hit(RATE_SCOPE, phone, limit, 3600):
        outcome, reply = Outcome.RATE_LIMITED, ""
    else:
        outcome, reply = answer_for(text)
    try:
        with transaction.atomic():
            InboundSms.objects.create(gateway_id=gateway_id, sender=phone[:20], text=text[:500],
                                      reply=reply, outcome=outcome)
            if reply:
                notify(kind="sms_lookup", subject=reply[:255], body=reply, phone=phone,
                       sms=reply, in_app=False, dedupe_key=f"sms_reply:{gateway_id}")
    except IntegrityError:  # the same message id arrived twice at once
        previous = InboundSms.objects.get(gateway_id=gateway_id)
        return Answer(previous.outcome, previous.reply, duplicate=True)
    return Answer(outcome, reply)
