"""The citizen's dossier pages (D1, D8): start a draft, the draft wizard on one page, the
confirmation, "my dossiers" and one dossier with its history, files and documents.

Plain HTML forms that work without JavaScript; the rules live in :mod:`dossiers.submission` and
:mod:`dossiers.services`. A dossier of someone else is a 404, never a hint that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.agencies.models import Agency
from procedures.eforms.builder import ADD_ROW, REFRESH, build_form
from procedures.eforms.display import display_items
from procedures.models import DossierComponent, Procedure

from . import processing, services, submission
from .models import Dossier, DossierDocument, DossierEvent, DossierFile
from .services import DossierError
from .states import Delivery, State

PAGE_SIZE = 20


def _own(request: HttpRequest, pk: int) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("procedure", "receiving_agency", "processing_agency",
                                       "current_step", "filled_form__version__form"),
        pk=pk, applicant=request.user)


def _receiving_agencies(procedure: Procedure) -> list[Agency]:
    agencies = list(procedure.receiving_agencies.order_by("name"))
    return agencies or [procedure.owner_agency]


# -- start -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, national_code: str) -> HttpResponse:
    procedure = Procedure.objects.accepting().filter(national_code=national_code).first()
    if procedure is None or not procedure.offers_online_submission:
        raise Http404(_("This procedure does not accept dossiers online."))
    agencies = _receiving_agencies(procedure)
    error = ""
    if request.method == "POST":
        chosen = None
        if len(agencies) == 1:
            chosen = agencies[0]
        else:
            chosen = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), None)
            if chosen is None:
                error = _("Choose the agency that receives your dossier.")
        if chosen is not None:
            try:
                dossier = services.start_draft(procedure, applicant=request.user,
                                               receiving_agency=chosen)
            except DossierError as exc:
                error = str(exc)
            else:
                return redirect("dossiers_citizen:draft", pk=dossier.pk)
    drafts = (Dossier.objects.filter(applicant=request.user, procedure=procedure,
                                     state=State.DRAFT)
              .select_related("receiving_agency").order_by("-created_at"))
    return render(request, "dossiers/citizen/start.html", {
        "procedure": procedure, "agencies": agencies, "error": error, "drafts": drafts,
    }, status=400 if error else 200)


# -- the draft wizard ------------------------------------------------------------------------


def _components(dossier: Dossier) -> list[dict[str, Any]]:
    files = list(dossier.files.all())
    return [{"component": c, "files": [f for f in files if f.component_id == c.pk]}
            for c in DossierComponent.objects.filter(procedure_id=dossier.procedure_id)
            .order_by("order", "pk")]


def _wizard_context(request: HttpRequest, dossier: Dossier, *, eform: Any = None,
                    upload_errors: dict[int, str] | None = None,
                    problems: list[str] | None = None,
                    delivery_error: str = "") -> dict[str, Any]:
    current = submission.eform_of(dossier)
    context: dict[str, Any] = {
        "dossier": dossier, "procedure": dossier.procedure,
        "components": _components(dossier), "upload_errors": upload_errors or {},
        "problems": problems, "delivery_error": delivery_error,
        "deliveries": Delivery.choices, "max_file_mb": submission.MAX_FILE_MB,
        "max_dossier_mb": submission.MAX_DOSSIER_MB,
        "used_mb": f"{submission.total_size(dossier) / 1024 / 1024:.1f}",
        "refresh": REFRESH,
    }
    if current is not None:
        form_obj, version = current
        if eform is None:
            initial = None
            if dossier.filled_form and dossier.filled_form.version_id == version.pk:
                initial = dossier.filled_form.data
            eform = build_form(version, user=request.user, initial=initial)
        context.update({
            "eform": form_obj, "version": version, "form": eform, "layout": eform.layout(),
            "has_files": _has_attachments(version.definition),
        })
    filled = dossier.filled_form
    if filled is not None:
        context["filled_items"] = display_items(filled.version.definition, filled.data)
    return context


def _has_attachments(definition: dict[str, Any]) -> bool:
    return any(s.get("type") == "attachment" or any(
        sub.get("type") == "attachment" for sub in s.get("fields", []))
        for s in definition.get("fields", []))


def _handle_upload(request: HttpRequest, dossier: Dossier) -> str | tuple[int, str]:
    """Attach the posted file; an error is returned as ``(component id, message)``."""
    component = DossierComponent.objects.filter(
        pk=_int(request.POST.get("component")) or 0, procedure_id=dossier.procedure_id).first()
    if component is None:
        return (0, _("Choose the paper the file belongs to."))
    upload = request.FILES.get("file")
    if upload is None:
        return (component.pk, _("“%(label)s”: choose a file to upload.")
                % {"label": component.name})
    try:
        submission.attach_file(dossier, component, upload, by=request.user)
    except DossierError as exc:
        return (component.pk, str(exc))
    return _("“%(name)s” was added to the dossier.") % {"name": upload.name}


def _file_action(request: HttpRequest, dossier: Dossier, action: str, here: str,
                 template: str, context: Callable[..., dict[str, Any]]) -> HttpResponse:
    """Add or remove a paper, on the draft page and on the completion page alike."""
    if action == "upload":
        result = _handle_upload(request, dossier)
        if isinstance(result, tuple):
            return render(request, template,
                          context(request, dossier, upload_errors={result[0]: result[1]}),
                          status=400)
        messages.success(request, result)
    else:
        submission.remove_file(dossier, _int(request.POST.get("file")) or 0, by=request.user)
        messages.success(request, _("The file was removed."))
    return redirect(here + "#papers")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    if dossier.state != State.DRAFT:
        return redirect("dossiers_citizen:detail", pk=dossier.pk)
    if request.method == "GET":
        return render(request, "dossiers/citizen/draft.html", _wizard_context(request, dossier))

    action = request.POST.get("action", "")
    here = reverse("dossiers_citizen:draft", kwargs={"pk": dossier.pk})
    try:
        if action == "eform":
            current = submission.eform_of(dossier)
            if current is None:
                raise DossierError(_("This procedure has no e-form to fill in."))
            form = build_form(current[1], user=request.user, data=request.POST,
                              files=request.FILES)
            if ADD_ROW in request.POST or REFRESH in request.POST:
                form.hide_errors()
                return render(request, "dossiers/citizen/draft.html",
                              _wizard_context(request, dossier, eform=form))
            if not form.is_valid():
                return render(request, "dossiers/citizen/draft.html",
                              _wizard_context(request, dossier, eform=form), status=400)
            submission.save_eform(dossier, current[1], form, by=request.user)
            messages.success(request, _("The e-form was saved with your dossier."))
            return redirect(here + "#eform")
        if action in ("upload", "remove"):
            return _file_action(request, dossier, action, here, "dossiers/citizen/draft.html",
                                _wizard_context)
        if action == "delivery":
            try:
                submission.set_delivery(dossier, request.POST.get("delivery", ""),
                                        request.POST.get("delivery_address", ""),
                                        by=request.user)
            except DossierError as exc:
                return render(request, "dossiers/citizen/draft.html", _wizard_context(
                    request, dossier, delivery_error=str(exc)), status=400)
            messages.success(request, _("The result delivery was saved."))
            return redirect(here + "#delivery")
        if action == "submit":
            try:
                submission.send(dossier, by=request.user)
            except submission.IncompleteDossier as exc:
                return render(request, "dossiers/citizen/draft.html", _wizard_context(
                    request, dossier, problems=exc.problems), status=400)
            return redirect("dossiers_citizen:submitted", pk=dossier.pk)
    except DossierError as exc:
        messages.error(request, str(exc))
        return redirect("dossiers_citizen:draft", pk=dossier.pk)
    messages.error(request, _("Unknown action; nothing was changed."))
    return redirect(here)


@login_required
@require_GET
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    if dossier.state == State.DRAFT:
        return redirect("dossiers_citizen:draft", pk=dossier.pk)
    return render(request, "dossiers/citizen/submitted.html", {"dossier": dossier})


# -- my dossiers -----------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    rows = (Dossier.objects.filter(applicant=request.user)
            .select_related("procedure", "receiving_agency").order_by("-created_at", "-pk"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dossiers/citizen/mine.html", {"page": page})


def _document_link(document: DossierDocument) -> str:
    try:
        return reverse("documents:download", kwargs={"pk": document.pk})
    except NoReverseMatch:
        return ""


def _last_request(dossier: Dossier, transition: str) -> DossierEvent | None:
    return dossier.events.filter(transition=transition).order_by("-at", "-pk").first()


def _processing_context(dossier: Dossier) -> dict[str, Any]:
    """What the applicant sees of the processing (D5, D6): the step under way, the stopped
    clock and what to supplement or pay, the apology's new appointment."""
    context: dict[str, Any] = {"in_processing": dossier.state in processing.IN_PROCESSING,
                               "missing": [], "supplement_note": "", "payment": None}
    if dossier.state == State.WAITING_SUPPLEMENT:
        event = _last_request(dossier, "ask_supplement")
        if event is not None:
            context["missing"] = [str(m) for m in (event.data or {}).get("missing", [])]
            context["supplement_note"] = event.reason
        context["supplement_components"] = list(
            DossierComponent.objects.filter(procedure_id=dossier.procedure_id)
            .order_by("order", "pk"))
    elif dossier.state == State.WAITING_PAYMENT:
        context["payment"] = _last_request(dossier, "ask_payment")
    if dossier.state == State.PROCESSING and dossier.current_step_id:
        context["current_step"] = dossier.current_step
    return context


def _detail_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    documents = list(dossier.documents.all())
    in_processing = dossier.state in processing.IN_PROCESSING
    context = {
        "dossier": dossier,
        "events": list(dossier.events.all()),
        "files": list(dossier.files.select_related("component")),
        "documents": [{"document": d, "url": _document_link(d)} for d in documents],
        "defects": submission.defects(dossier) if dossier.state == State.INCOMPLETE else [],
        "can_withdraw": dossier.state in (State.DRAFT, State.SUBMITTED, State.INCOMPLETE)
        or (in_processing and not dossier.results.exists()),
        "is_incomplete": dossier.state == State.INCOMPLETE,
        "upload_errors": {}, "problems": None, "withdraw_error": "", "supplement_error": "",
        "max_file_mb": submission.MAX_FILE_MB, "max_dossier_mb": submission.MAX_DOSSIER_MB,
    }
    if dossier.state == State.INCOMPLETE:
        context["components"] = _components(dossier)
    context.update(_processing_context(dossier))
    context.update(extra)
    return context


def _supplement(request: HttpRequest, dossier: Dossier, here: str) -> HttpResponse:
    """The applicant sends what was asked during processing (D6): the files are checked like
    every dossier upload and stored with the supplement event, all or nothing."""
    note = request.POST.get("note", "").strip()[:1000]
    uploads = request.FILES.getlist("files")
    component = DossierComponent.objects.filter(
        pk=_int(request.POST.get("component")) or 0, procedure_id=dossier.procedure_id).first()
    if uploads and component is None:
        error = _("Choose the paper the files belong to.")
    else:
        try:
            with transaction.atomic():
                ids = [submission.attach_file(
                    dossier, component, upload, by=request.user,
                    states=frozenset({State.WAITING_SUPPLEMENT})).pk
                    for upload in uploads if component is not None]
                processing.supplement(dossier, by=request.user, note=note, file_ids=ids)
        except DossierError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Your supplement was sent; the processing continues."))
            return redirect(here)
    return render(request, "dossiers/citizen/detail.html",
                  _detail_context(request, dossier, supplement_error=error), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    if request.method == "GET":
        return render(request, "dossiers/citizen/detail.html", _detail_context(request, dossier))
    action = request.POST.get("action", "")
    here = reverse("dossiers_citizen:detail", kwargs={"pk": dossier.pk})
    try:
        if action == "withdraw":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                return render(request, "dossiers/citizen/detail.html", _detail_context(
                    request, dossier,
                    withdraw_error=_("Give the reason why you withdraw the dossier.")),
                    status=400)
            services.withdraw(dossier, by=request.user, reason=reason[:1000])
            messages.success(request, _("The dossier was withdrawn."))
            return redirect(here)
        if action in ("upload", "remove"):
            return _file_action(request, dossier, action, here, "dossiers/citizen/detail.html",
                                _detail_context)
        if action == "supplement":
            return _supplement(request, dossier, here)
        if action == "resubmit":
            try:
                submission.send_again(dossier, by=request.user,
                                      note=request.POST.get("note", "").strip()[:1000])
            except submission.IncompleteDossier as exc:
                return render(request, "dossiers/citizen/detail.html", _detail_context(
                    request, dossier, problems=exc.problems), status=400)
            messages.success(request, _("The completed dossier was sent."))
            return redirect(here)
    except DossierError as exc:
        messages.error(request, str(exc))
        return redirect(here)
    messages.error(request, _("Unknown action; nothing was changed."))
    return redirect(here)


@login_required
@require_GET
def file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    dossier = _own(request, pk)
    stored = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    response = FileResponse(handle, content_type=stored.content_type,
                            filename=stored.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

