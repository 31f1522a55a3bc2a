"""Results of dossiers (D7; Decree 45/2020 Art. 14, Decree 118/2025 Art. 22; LEGAL-NOTES §3-4).

The life of a result, every step through the transition engine :func:`dossiers.services._run`:

1. :func:`prepare_result` (in-state action ``prepare_result``): an officer of the processing
   agency uploads the result document (a PDF, checked like every upload) or has it generated from
   the result template (Circular 03/2025 layout, WeasyPrint). An unsigned result may be replaced.
2. :func:`sign_result` (in-state action ``sign_result``): a leader of the processing agency
   (``APPROVE_RESULTS``) holding a certificate in force signs it (PAdES, pyHanko). Only a signed
   result can ever leave the agency (TG 16.4).
3. :func:`settle` (transition ``settle``): every step done (no open step) and a signed result
   exists; ``settled_at`` is set. A dossier whose result is delivered online is released at once
   by the system.
4. :func:`return_result` (transition ``return_result``): online (into the applicant's data
   warehouse, with a download link), at the counter (the one-stop officer records who received
   it, their ID number and when) or by post (the tracking number).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.roles import Perm
from portal.agencies.models import Agency
from portal.signing.models import SigningCertificate
from portal.signing.services import SigningError, sign_pdf, validate
from procedures.eforms.attachments import check_upload
from procedures.eforms.pdf import COUNTRY, MOTTO, _place

from .models import Dossier, DossierResult, DossierStep
from .services import DossierError, _run
from .states import Actor, Delivery, State

#: How a result reaches the applicant (D7).
HOW_ONLINE = Delivery.ONLINE
HOW_COUNTER = Delivery.COUNTER
HOW_POST = Delivery.POST


def processing_agency_id(dossier: Dossier) -> int:
    return dossier.processing_agency_id or dossier.receiving_agency_id


def current_result(dossier: Dossier) -> DossierResult | None:
    """The latest result of the dossier (signed or not)."""
    return dossier.results.order_by("-prepared_at", "-pk").first()


def signed_result(dossier: Dossier) -> DossierResult | None:
    """The latest signed result, the only one that can be released."""
    return (dossier.results.exclude(signed_file="").filter(signed_at__isnull=False)
            .order_by("-signed_at", "-pk").first())


def read_file(field: Any) -> bytes:
    with field.storage.open(field.name or "", "rb") as fh:
        data: bytes = fh.read()
    return data


# -- 1. prepare ------------------------------------------------------------------------------


def render_result_pdf(dossier: Dossier, *, title: str, number: str, content: str,
                      signer_title: str = "", signer_name: str = "") -> bytes:
    """A result document in the layout of Circular 03/2025 (issuer, national motto, number,
    place and date, title, content, the signer's block), always in Vietnamese."""
    from weasyprint import HTML

    agency = Agency.objects.get(pk=processing_agency_id(dossier))
    lines = [line.strip() for line in (content or "").splitlines() if line.strip()]
    with translation.override("vi"):
        html = render_to_string("dossiers/results/document.html", {
            "dossier": dossier, "agency": agency, "country": COUNTRY, "motto": MOTTO,
            "place": _place(), "issued": timezone.localtime(), "number": number,
            "title": title, "lines": lines, "signer_title": signer_title,
            "signer_name": signer_name,
        })
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def prepare_result(dossier: Dossier, *, by: Any, title: str, number: str = "",
                   upload: UploadedFile | None = None, content: str = "",
                   signer_title: str = "") -> DossierResult:
    """The result document of the dossier, uploaded (a PDF) or generated from ``content``.
    An officer of the processing agency (``PROCESS_DOSSIERS``) prepares it while the dossier is
    being processed; a signed result cannot be replaced."""
    title = (title or "").strip()
    if not title:
        raise DossierError(_("Give the title of the result."))
    if upload is not None:
        try:
            check_upload(upload, accept=["pdf"], max_size_mb=settings.RESULT_MAX_UPLOAD_MB,
                         label=title)
        except ValidationError as exc:
            raise DossierError(" ".join(exc.messages)) from None
        upload.seek(0)
        pdf = upload.read()
        name = "ket-qua.pdf"
    elif (content or "").strip():
        pdf = render_result_pdf(dossier, title=title, number=number.strip(), content=content,
                                signer_title=signer_title.strip())
        name = "ket-qua.pdf"
    else:
        raise DossierError(_("Upload the result document or write its content."))
    holder: dict[str, DossierResult] = {}
    data: dict[str, Any] = {"title": title, "number": number.strip(),
                            "generated": upload is None}

    def before(d: Dossier, now: datetime) -> None:
        if signed_result(d) is not None:
            raise DossierError(_("This dossier already has a signed result."))

    def after(d: Dossier, now: datetime) -> None:
        d.results.filter(signed_at__isnull=True).delete()
        result = DossierResult(dossier=d, title=title, number=number.strip(), prepared_by=by)
        result.file.save(name, ContentFile(pdf), save=False)
        result.save()
        holder["result"] = result
        data["result"] = result.pk

    _run(dossier, "prepare_result", actor=Actor.OFFICER, user=by, perm=Perm.PROCESS_DOSSIERS,
         agency=processing_agency_id, data=data, before=before, after=after)
    return holder["result"]


# -- 2. sign ---------------------------------------------------------------------------------


def signing_certificate(user: Any, agency_id: int) -> SigningCertificate | None:
    """The user's certificate in force for ``agency_id`` or one of its parent agencies."""
    if user is None or not getattr(user, "pk", None):
        return None
    for cert in (SigningCertificate.objects.valid().filter(user=user, authority__trusted=True)
                 .select_related("agency", "user")):
        if cert.agency_id == agency_id or agency_id in cert.agency.descendant_ids():
            return cert
    return None


def sign_result(result: DossierResult, *, by: Any, passphrase: str = "",
                visible: bool = True) -> DossierResult:
    """A leader of the processing agency signs the result with his certificate (PAdES)."""
    data: dict[str, Any] = {"result": result.pk}

    def before(d: Dossier, now: datetime) -> None:
        locked = DossierResult.objects.filter(pk=result.pk, dossier=d).first()
        if locked is None:
            raise DossierError(_("This result no longer exists."))
        if locked.is_signed:
            raise DossierError(_("This result is already signed."))
        cert = signing_certificate(by, processing_agency_id(d))
        if cert is None:
            raise DossierError(_("You have no signing certificate in force for this agency."))
        try:
            signed = sign_pdf(read_file(locked.file), cert, passphrase=passphrase,
                              reason=_("Result of dossier %(code)s") % {"code": d.code},
                              location=_place(), visible=visible)
        except SigningError as exc:
            raise DossierError(str(exc)) from None
        locked.signed_file.save("ket-qua-da-ky.pdf", ContentFile(signed), save=False)
        locked.sha256 = hashlib.sha256(signed).hexdigest()
        locked.signed_by = by
        locked.signed_at = now
        locked.signer_subject = cert.subject
        locked.save()
        data.update(title=locked.title, number=locked.number, certificate=cert.serial,
                    sha256=locked.sha256)

    _run(result.dossier, "sign_result", actor=Actor.OFFICER, user=by,
         perm=Perm.APPROVE_RESULTS, agency=processing_agency_id, data=data, before=before)
    result.refresh_from_db()
    return result


# -- 3. settle -------------------------------------------------------------------------------


def settle(dossier: Dossier, *, by: Any) -> Dossier:
    """Settled (D7): every step done and the signed result exists. A result delivered online
    is released to the applicant's account right after, by the system (a dossier without an
    account waits for the counter like the others)."""

    def before(d: Dossier, now: datetime) -> None:
        if d.state != State.PROCESSING:
            return  # the engine refuses with the state
        if d.current_step_id is not None or DossierStep.objects.filter(
                dossier=d, finished_at__isnull=True).exists():
            raise DossierError(_("A processing step is still open; finish every step before "
                                 "settling the dossier."))
        result = signed_result(d)
        if result is None:
            raise DossierError(_("The result must be signed before the dossier is settled."))
        data["result"] = result.pk

    data: dict[str, Any] = {}
    settled = _run(dossier, "settle", actor=Actor.OFFICER, user=by, perm=Perm.PROCESS_DOSSIERS,
                   agency=processing_agency_id, data=data, before=before,
                   after=lambda d, now: setattr(d, "settled_at", now))
    if settled.delivery == Delivery.ONLINE and settled.applicant_id is not None:
        settled = return_result(settled, by=None, how=HOW_ONLINE)
    return settled


# -- 4. return -------------------------------------------------------------------------------


def return_result(dossier: Dossier, *, by: Any, how: str, received_by: str = "",
                  received_id_number: str = "", received_at: datetime | None = None,
                  tracking_number: str = "", note: str = "") -> Dossier:
    """The result reaches the applicant (D7). ``by`` is ``None`` for the system's online
    release; otherwise a one-stop officer of the receiving agency (``RECEIVE_DOSSIERS``)."""
    data: dict[str, Any] = {"how": how}
    if how == HOW_COUNTER:
        received_by, received_id_number = received_by.strip(), received_id_number.strip()
        if not received_by or not received_id_number:
            raise DossierError(_("Record who received the result and their ID number."))
        when = received_at or timezone.now()
        if when > timezone.now():
            raise DossierError(_("The hand-over time cannot be in the future."))
        data.update(received_by=received_by, received_id_number=received_id_number,
                    received_at=when.isoformat())
    elif how == HOW_POST:
        tracking_number = tracking_number.strip()
        if not tracking_number:
            raise DossierError(_("Give the postal tracking number."))
        data["tracking_number"] = tracking_number
    elif how != HOW_ONLINE:
        raise DossierError(_("Choose how the result is returned."))

    def before(d: Dossier, now: datetime) -> None:
        if d.state != State.SETTLED:
            return  # the engine refuses with the state
        result = signed_result(d)
        if result is None:
            raise DossierError(_("An unsigned result can never be released."))
        if how == HOW_ONLINE and d.applicant_id is None:
            raise DossierError(_("This applicant has no account to receive the result "
                                 "online."))
        data.update(result=result.pk, sha256=result.sha256)

    return _run(dossier, "return_result",
                actor=Actor.SYSTEM if by is None else Actor.OFFICER, user=by,
                perm=None if by is None else Perm.RECEIVE_DOSSIERS, reason=note.strip(),
                data=data, before=before, after=lambda d, now: setattr(d, "returned_at", now))


# -- reading ---------------------------------------------------------------------------------


def signature_report(result: DossierResult) -> Any:
    """The validation of the signed file, for the result page."""
    if not result.is_signed:
        return None
    return validate(read_file(result.signed_file))
