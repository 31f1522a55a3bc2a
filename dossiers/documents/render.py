"""The issued documents as PDF in the layout of Circular 03/2025/TT-VPCP Annex I (WeasyPrint,
Noto Serif embedded, the national motto as in :mod:`procedures.eforms.pdf`).

Everything printed comes from the dossier, the event that issued the document and the procedure
version the dossier was submitted under; nothing depends on the moment of rendering, so
rendering again gives the same text.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.agencies.models import Province
from portal.calendar.services import get_calendar
from procedures.eforms.pdf import COUNTRY, MOTTO, _place
from procedures.models import TimeUnit

from ..models import DossierDocument
from ..states import Delivery

#: Template of each kind of document.
TEMPLATES: dict[str, str] = {
    DossierDocument.Kind.RECEIPT: "dossiers/documents/receipt.html",
    DossierDocument.Kind.COMPLETION_REQUEST: "dossiers/documents/completion_request.html",
    DossierDocument.Kind.REFUSAL: "dossiers/documents/refusal.html",
    DossierDocument.Kind.APOLOGY: "dossiers/documents/apology.html",
    DossierDocument.Kind.STOP_NOTICE: "dossiers/documents/stop_notice.html",
}

#: The suffix of each document's number ("Số: 12/PBS").
NUMBER_SUFFIX: dict[str, str] = {
    DossierDocument.Kind.RECEIPT: "TNHS",
    DossierDocument.Kind.COMPLETION_REQUEST: "PBS",
    DossierDocument.Kind.REFUSAL: "PTC",
    DossierDocument.Kind.APOLOGY: "PXL",
    DossierDocument.Kind.STOP_NOTICE: "TBDG",
}


def lookup_url(code: str) -> str:
    """The absolute address of the public lookup of the dossier ``code`` (what the QR opens)."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or ""
    if not base:
        domain = (Province.current().domain or "").strip().strip("/")
        base = f"https://{domain}" if domain else ""
    return f"{base.rstrip('/')}{reverse('lookup:search')}?{urlencode({'ma': code})}"


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (embedded in the HTML, no file)."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=2)


def instant(value: datetime | None) -> str:
    """``09 giờ 30 phút, ngày 09/03/2026`` (the legal forms' way of writing an instant)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(hour)s h %(minute)s min, %(date)s") % {
        "hour": f"{local:%H}", "minute": f"{local:%M}", "date": f"{local:%d/%m/%Y}"}


def _processing_time(snapshot: dict[str, Any]) -> str:
    unit = snapshot.get("processing_unit")
    if unit == TimeUnit.SAME_DAY:
        return str(TimeUnit.SAME_DAY.label)
    raw = snapshot.get("processing_time")
    if raw in (None, ""):
        return ""
    try:
        amount = f"{Decimal(str(raw)).normalize():f}"
    except InvalidOperation:
        amount = str(raw)
    label = TimeUnit(unit).label if unit in TimeUnit.values else ""
    return f"{amount} {label}".strip()


def _result_place(dossier: Any) -> str:
    agency = dossier.receiving_agency
    if dossier.delivery == Delivery.POST:
        where = dossier.delivery_address or dossier.applicant_address
        return _("By post to %(address)s") % {"address": where} if where else _("By post")
    if dossier.delivery == Delivery.COUNTER:
        counter = agency.counter_name or agency.name
        address = agency.counter_address or agency.address
        return f"{counter}, {address}" if address else counter
    return _("Online, in the applicant's account on the portal")


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-•") for line in (text or "").splitlines() if line.strip(" \t-•")]


def context_for(document: DossierDocument) -> dict[str, Any]:
    """Everything a document's template prints; call inside ``translation.override("vi")``."""
    event = document.event
    dossier = document.dossier
    agency = dossier.receiving_agency
    snapshot = dossier.procedure_version.snapshot or {}
    issued = timezone.localtime(event.at)
    context: dict[str, Any] = {
        "document": document,
        "dossier": dossier,
        "event": event,
        "agency": agency,
        "country": COUNTRY,
        "motto": MOTTO,
        "place": _place(),
        "issued": issued,
        "number": f"{document.pk}/{NUMBER_SUFFIX[document.kind]}",
        "procedure_name": snapshot.get("name") or dossier.procedure.name,
        "procedure_code": snapshot.get("national_code") or dossier.procedure.national_code,
        "request": dossier.summary or snapshot.get("name") or dossier.procedure.name,
        "officer": event.actor_name,
        "contact_phone": agency.counter_phone or agency.phone or agency.hotline,
    }
    if document.kind == DossierDocument.Kind.RECEIPT:
        code = dossier.code or ""
        url = lookup_url(code)
        context.update({
            "components": snapshot.get("components") or [],
            "processing_time": _processing_time(snapshot),
            "received": instant(event.at),
            "due": instant(dossier.processing_due_at),
            "result_place": _result_place(dossier),
            "lookup_url": url,
            "qr": qr_data_uri(url),
        })
    elif document.kind == DossierDocument.Kind.COMPLETION_REQUEST:
        from ..services import COMPLETION_WORKING_DAYS

        defects = [str(d) for d in (event.data or {}).get("defects", [])]
        context.update({
            "defects": defects,
            "reason": event.reason.strip(),
            "completion_days": COMPLETION_WORKING_DAYS,
            "completion_due": instant(
                get_calendar().add_working_days(event.at, COMPLETION_WORKING_DAYS)),
        })
    elif document.kind == DossierDocument.Kind.REFUSAL:
        context.update({"reasons": _lines(event.reason)})
    elif document.kind == DossierDocument.Kind.APOLOGY:
        data = event.data or {}
        context.update({
            "agency": dossier.processing_agency or agency,
            "received": instant(dossier.received_at),
            "due": instant(_parse(data.get("due"))),
            "new_due": instant(_parse(data.get("new_due"))),
            "reasons": _lines(event.reason),
        })
    elif document.kind == DossierDocument.Kind.STOP_NOTICE:
        context.update({
            "agency": dossier.processing_agency or agency,
            "received": instant(dossier.received_at),
            "withdrawn": event.transition == "withdraw",
            "reasons": _lines(event.reason),
        })
    return context


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def render_html(document: DossierDocument) -> str:
    """The print HTML, always in Vietnamese (the language of the legal forms)."""
    with translation.override("vi"):
        return render_to_string(TEMPLATES[document.kind], context_for(document))


def render_pdf(document: DossierDocument) -> bytes:
    from weasyprint import HTML

    html = render_html(document)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
