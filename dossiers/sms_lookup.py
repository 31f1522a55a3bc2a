"""Dossier lookup by SMS (TN 12.6.c: the system answers automatically by SMS).

The citizen texts ``HS <dossier code>`` to the province's short number and gets back what the
public lookup (D8) shows: the state and the due date, nothing personal. Registered from
``DossiersConfig.ready`` with ``portal.notifications.inbound``, which receives the gateway's
webhook, answers each message once, rate-limits each phone number and sends the reply.
"""

from __future__ import annotations

import re

from django.utils import timezone, translation

from portal.notifications.inbound import Outcome, invalid
from portal.notifications.services import fold_diacritics

from .lookup import PublicDossier, by_code, normalise_code
from .states import State

KEYWORD = "HS"
USAGE = "De tra cuu ho so, soan: HS <ma ho so>"
_COMMAND = re.compile(r"^\s*HS\s+(?P<code>\S+)\s*$", re.IGNORECASE)


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
    """(outcome, reply) for an SMS starting with ``HS``."""
    match = _COMMAND.match(text or "")
    if match is None:
        return invalid(USAGE)
    code = normalise_code(match.group("code"))
    with translation.override("vi"):
        found = by_code(code) if code else None
    if found is None:
        shown = fold_diacritics(match.group("code"))[:40]
        return Outcome.UNKNOWN, (f"Khong tim thay ho so co ma {shown}. Vui long kiem tra lai ma "
                                 "ho so tren giay tiep nhan (soan: HS <ma ho so>).")
    return Outcome.FOUND, describe(found)
