"""The control slip ("Phiếu kiểm soát quá trình giải quyết hồ sơ", Circular 03/2025/TT-VPCP
Annex I; LEGAL-NOTES §4.6), filled on demand from the dossier's step events.

Each hand-over event (start of processing, step assigned, done, sent back, forwarded to another
agency and returned, clock stopped and restarted) becomes a row: who handed over to whom, when,
and whether the step was early, on time or late ("trước hạn / đúng hạn / quá hạn"). Nothing is
stored: the slip is printable at any time and always matches the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from procedures.eforms.pdf import COUNTRY, MOTTO, _place

from .models import Dossier, DossierEvent, DossierStep

#: The events that make a row of the slip.
SLIP_TRANSITIONS: tuple[str, ...] = (
    "start_processing", "assign_step", "complete_step", "send_back_step", "forward_step",
    "return_step", "ask_supplement", "supplement", "ask_payment", "confirm_payment")


def punctuality_label(value: str) -> str:
    return {"early": _("ahead of schedule"), "on_time": _("on schedule"),
            "late": _("behind schedule")}.get(value, "")


def _action_label(transition: str) -> str:
    return {
        "start_processing": _("moved to processing"),
        "assign_step": _("step assigned"),
        "complete_step": _("step done"),
        "send_back_step": _("sent back"),
        "forward_step": _("forwarded to another agency"),
        "return_step": _("returned by the other agency"),
        "ask_supplement": _("supplement requested, clock stopped"),
        "supplement": _("supplement received, clock running"),
        "ask_payment": _("payment requested, clock stopped"),
        "confirm_payment": _("payment confirmed, clock running"),
    }.get(transition, transition)


@dataclass(frozen=True)
class SlipRow:
    at: datetime
    action: str
    from_unit: str
    to_unit: str
    by: str
    punctuality: str
    punctuality_label: str
    note: str


def rows(dossier: Dossier) -> list[SlipRow]:
    """The slip's rows, oldest first (one query)."""
    one_stop = dossier.receiving_agency.counter_name or _("One-stop section")
    result: list[SlipRow] = []
    for event in (DossierEvent.objects.filter(dossier=dossier, transition__in=SLIP_TRANSITIONS)
                  .order_by("at", "pk")):
        data: dict[str, Any] = event.data or {}
        from_unit = str(data.get("from_unit") or "")
        to_unit = str(data.get("to_unit") or "")
        if event.transition == "start_processing":
            from_unit = from_unit or one_stop
        elif event.transition in ("ask_supplement", "ask_payment"):
            to_unit = _("the applicant")
        elif event.transition == "supplement":
            from_unit = _("the applicant")
        punctual = str(data.get("punctuality") or "") if event.transition in (
            "complete_step", "send_back_step", "forward_step", "return_step") else ""
        note = event.reason
        if event.transition == "assign_step":
            to_unit = f"{to_unit} — {data.get('assignee_name', '')}".strip(" —")
        if event.transition == "ask_supplement":
            note = "; ".join(str(m) for m in data.get("missing", [])) or note
        result.append(SlipRow(
            at=event.at, action=_action_label(event.transition), from_unit=from_unit,
            to_unit=to_unit or ("—" if event.transition == "complete_step" else ""),
            by=event.actor_name, punctuality=punctual,
            punctuality_label=punctuality_label(punctual), note=note))
    return result


def context(dossier: Dossier) -> dict[str, Any]:
    lead = dossier.processing_agency or dossier.receiving_agency
    partners = sorted({s.agency.name for s in DossierStep.objects.filter(dossier=dossier)
                       .exclude(agency_id=lead.pk).select_related("agency")})
    return {
        "dossier": dossier, "agency": lead, "partners": partners, "rows": rows(dossier),
        "country": COUNTRY, "motto": MOTTO, "place": _place(),
        "issued": timezone.localtime(), "number": f"{dossier.code or dossier.pk}/PKS",
        "procedure_name": dossier.procedure.name,
    }


def render_html(dossier: Dossier) -> str:
    """The printable slip, in Vietnamese like every legal form."""
    with translation.override("vi"):
        return render_to_string("dossiers/documents/control_slip.html", context(dossier))


def render_pdf(dossier: Dossier) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(dossier), base_url=str(settings.BASE_DIR)).write_pdf()
