"""The tracking book ("Sổ theo dõi hồ sơ", Circular 03/2025/TT-VPCP Annex I; LEGAL-NOTES §4.7):
one book per agency and field, for a period — on screen, as PDF and as Excel.

Columns of the form: no., dossier code, procedure, applicant, address / phone, lead (processing)
agency, received, due (and the new appointment, if any), returned, how the result was received,
signature (left blank for the paper copy). The book lists the dossiers the agency *received* in
the period (the one-stop section keeps the book); the electronic book is the official one
(LEGAL-NOTES §4.7 "may be electronic only").
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.agencies.models import Agency
from procedures.eforms.pdf import COUNTRY, MOTTO, _place
from procedures.models import Field

from .models import Dossier, DossierEvent
from .states import Delivery

#: Most rows a PDF or Excel export holds (narrow the period beyond that).
EXPORT_LIMIT = 20000


@dataclass(frozen=True)
class Book:
    agency: Agency
    field: Field | None
    start: date
    end: date  # inclusive

    @property
    def title(self) -> str:
        return _("Dossier tracking book")


@dataclass
class Row:
    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    lead_agency: str
    received_at: datetime | None
    due_at: datetime | None
    rescheduled_due_at: datetime | None
    returned_at: datetime | None
    how: str
    receiver: str


def _bounds(book: Book) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(book.start, time.min, tzinfo=tz),
            datetime.combine(book.end + timedelta(days=1), time.min, tzinfo=tz))


def dossiers(book: Book) -> QuerySet[Dossier]:
    """The dossiers of the book, in the order they were received."""
    start, end = _bounds(book)
    qs = Dossier.objects.filter(receiving_agency=book.agency, received_at__gte=start,
                                received_at__lt=end)
    if book.field is not None:
        qs = qs.filter(procedure__field=book.field)
    return qs.select_related("procedure", "processing_agency", "receiving_agency").order_by(
        "received_at", "pk")


def _how(dossier: Dossier, event: DossierEvent | None) -> tuple[str, str]:
    """(how the result was / is to be received, who received it)."""
    if event is None:
        wanted = Delivery(dossier.delivery).label if dossier.delivery in Delivery.values else ""
        return (_("requested: %(how)s") % {"how": wanted} if wanted else ""), ""
    data = event.data or {}
    how = data.get("how")
    if how == Delivery.COUNTER:
        who = f"{data.get('received_by', '')} ({data.get('received_id_number', '')})"
        return str(Delivery.COUNTER.label), who
    if how == Delivery.POST:
        return f"{Delivery.POST.label}: {data.get('tracking_number', '')}", ""
    return str(Delivery.ONLINE.label), ""


def rows(items: Any, first_number: int = 1) -> list[Row]:
    """The book's rows for ``items`` (a page or a slice of :func:`dossiers`): one more query
    for the hand-over events, whatever the number of rows."""
    items = list(items)
    returns = {e.dossier_id: e for e in DossierEvent.objects.filter(
        dossier__in=[d.pk for d in items], transition="return_result").order_by("at")}
    out: list[Row] = []
    for offset, d in enumerate(items):
        how, receiver = _how(d, returns.get(d.pk))
        contact = " — ".join(x for x in (d.applicant_address, d.applicant_phone) if x)
        out.append(Row(
            number=first_number + offset, code=d.code or "", procedure=d.procedure.name,
            applicant=d.applicant_name, contact=contact,
            lead_agency=(d.processing_agency or d.receiving_agency).name,
            received_at=d.received_at, due_at=d.processing_due_at,
            rescheduled_due_at=d.rescheduled_due_at, returned_at=d.returned_at, how=how,
            receiver=receiver))
    return out


def _fmt(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


HEADERS = [
    "No.", "Dossier code", "Procedure", "Applicant", "Address / phone", "Lead agency",
    "Received", "Result due", "Returned", "How the result was received", "Signature",
]


def headers() -> list[str]:
    return [_(h) for h in HEADERS]


def to_pdf(book: Book) -> bytes:
    """The book as a landscape A4 PDF, in Vietnamese."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string("dossiers/tracking/book_pdf.html", {
            "book": book, "rows": rows(dossiers(book)[:EXPORT_LIMIT]), "headers": headers(),
            "country": COUNTRY, "motto": MOTTO, "place": _place(),
            "issued": timezone.localtime()})
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def to_xlsx(book: Book) -> bytes:
    """The book as an Excel workbook (one sheet), in Vietnamese."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    with translation.override("vi"):
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = _("Tracking book")[:31]
        ws.append([f"{_('Dossier tracking book')} — {book.agency.name}"])
        ws.append([f"{_('Field')}: {book.field.name if book.field else _('all fields')}; "
                   f"{_('Reporting period')}: {book.start:%d/%m/%Y} – {book.end:%d/%m/%Y}"])
        ws.append(headers())
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows(dossiers(book)[:EXPORT_LIMIT]):
            due = _fmt(r.due_at) + (f" ({_('new appointment')}: {_fmt(r.rescheduled_due_at)})"
                                    if r.rescheduled_due_at else "")
            how = f"{r.how} — {r.receiver}" if r.receiver else r.how
            ws.append([r.number, r.code, r.procedure, r.applicant, r.contact, r.lead_agency,
                       _fmt(r.received_at), due, _fmt(r.returned_at), how, ""])
        for column, width in zip("ABCDEFGHIJK", (6, 24, 40, 24, 30, 28, 17, 22, 17, 30, 14),
                                 strict=True):
            ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
