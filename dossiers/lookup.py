"""Public lookup of dossiers (D8): what anyone holding a dossier code may learn — state, national
status, procedure, agency and dates — and nothing personal beyond the initials of the name.

A search by personal ID number or name is allowed only for the signed-in owner (among their own
dossiers) or together with the matching dossier code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from portal.text import fold

from .models import Dossier
from .states import NATIONAL_STATUS, State

#: Look-ups per client address and minute (the page and the API share the count).
RATE_PER_MINUTE: int = getattr(settings, "LOOKUP_RATE_PER_MINUTE", 30)
RATE_SCOPE = "dossier-lookup"

_CODE = re.compile(r"^[A-Z0-9.\-]{4,40}$")
_ID_NUMBER = re.compile(r"^[0-9A-Z.\-]{6,20}$")


@dataclass(frozen=True)
class PublicDossier:
    """The public face of a dossier."""

    code: str
    state: str
    state_display: str
    national_status: int | None
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    applicant_initials: str
    submitted_at: datetime | None
    received_at: datetime | None
    intake_due_at: datetime | None
    due_at: datetime | None
    completion_due_at: datetime | None
    closed_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "state": self.state, "state_display": self.state_display,
            "national_status": self.national_status,
            "procedure": {"code": self.procedure_code, "name": self.procedure_name},
            "agency": {"code": self.agency_code, "name": self.agency_name},
            "applicant_initials": self.applicant_initials,
            "submitted_at": self.submitted_at, "received_at": self.received_at,
            "intake_due_at": self.intake_due_at, "due_at": self.due_at,
            "completion_due_at": self.completion_due_at, "closed_at": self.closed_at,
        }


def normalise_code(raw: str | None) -> str:
    """The code as typed (spaces removed, upper case), or ``""`` when it cannot be a code."""
    code = re.sub(r"\s+", "", raw or "").upper()
    return code if _CODE.match(code) else ""


def initials(name: str) -> str:
    """``"Nguyễn Văn An"`` → ``"N. V. A."``."""
    return " ".join(f"{word[0].upper()}." for word in (name or "").split() if word[0].isalnum())


def _public_queryset() -> QuerySet[Dossier]:
    return (Dossier.objects.exclude(state=State.DRAFT).exclude(code__isnull=True)
            .select_related("procedure", "receiving_agency"))


def public_view(dossier: Dossier) -> PublicDossier:
    return PublicDossier(
        code=dossier.code or "", state=dossier.state,
        state_display=str(dossier.get_state_display()),
        national_status=NATIONAL_STATUS.get(dossier.state),
        procedure_code=dossier.procedure.national_code or "",
        procedure_name=dossier.procedure.name,
        agency_code=dossier.receiving_agency.code, agency_name=dossier.receiving_agency.name,
        applicant_initials=initials(dossier.applicant_name),
        submitted_at=dossier.submitted_at, received_at=dossier.received_at,
        intake_due_at=dossier.intake_due_at if dossier.state == State.SUBMITTED else None,
        due_at=dossier.processing_due_at,
        completion_due_at=(dossier.completion_due_at if dossier.state == State.INCOMPLETE
                           else None),
        closed_at=dossier.closed_at,
    )


def matches_person(dossier: Dossier, who: str) -> bool:
    """Whether ``who`` (a personal ID / organisation code, or the full name, accents optional)
    is the dossier's applicant."""
    who = (who or "").strip()
    if not who:
        return False
    compact = re.sub(r"\s+", "", who).upper()
    if dossier.applicant_id_number and compact == dossier.applicant_id_number.upper():
        return True
    return bool(dossier.applicant_name) and fold(who) == fold(dossier.applicant_name)


def by_code(code: str, *, who: str = "") -> PublicDossier | None:
    """The dossier with ``code``; when ``who`` is given it must be the applicant (ID or name),
    otherwise nothing is found (so the answer never confirms whose dossier it is)."""
    code = normalise_code(code)
    if not code:
        return None
    dossier = _public_queryset().filter(code=code).first()
    if dossier is None or (who.strip() and not matches_person(dossier, who)):
        return None
    return public_view(dossier)


def owned_by(user: Any, who: str, *, limit: int = 50) -> list[PublicDossier]:
    """The signed-in owner's own dossiers whose applicant is ``who`` (ID number or name)."""
    if not getattr(user, "is_authenticated", False) or not (who or "").strip():
        return []
    queryset = _public_queryset().filter(applicant=user).order_by("-submitted_at", "-pk")
    compact = re.sub(r"\s+", "", who).upper()
    if _ID_NUMBER.match(compact) and any(ch.isdigit() for ch in compact):
        queryset = queryset.filter(applicant_id_number__iexact=compact)
        return [public_view(d) for d in queryset[:limit]]
    wanted = fold(who)
    return [public_view(d) for d in queryset[: limit * 4] if fold(d.applicant_name) == wanted][
        :limit]
