"""Download of an issued document: the applicant, or an officer who may see the receiving
agency's work; anyone else gets 404 (the document's existence is not revealed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm
from portal.audit.services import Action, record

from ..models import DossierDocument
from . import services


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    document = (DossierDocument.objects
                .select_related("dossier", "event", "dossier__procedure",
                                "dossier__procedure_version", "dossier__receiving_agency")
                .filter(pk=pk).first())
    if document is None:
        raise Http404(_("No document was found."))
    dossier = document.dossier
    is_applicant = dossier.applicant_id is not None and dossier.applicant_id == request.user.pk
    if not is_applicant and not has_perm(request.user, Perm.VIEW_AGENCY_WORK,
                                         dossier.receiving_agency_id) and not (
            dossier.processing_agency_id is not None
            and has_perm(request.user, Perm.VIEW_AGENCY_WORK, dossier.processing_agency_id)):
        raise Http404(_("No document was found."))
    content = services.read(document)
    if not is_applicant:
        record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
               message=f"downloaded document {document.pk} ({document.kind})",
               changes={"document": document.pk, "kind": document.kind})
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{document.kind}-{dossier.code or dossier.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
