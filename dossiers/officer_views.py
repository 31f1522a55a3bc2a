"""Pages of the one-stop officer (D2, D3): the intake queue, a dossier with its intake actions,
its files, and counter / postal intake. Thin: rules live in ``selectors`` and ``services``."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.decorators import signed_in_and
from portal.accounts.models import User
from portal.audit.services import Action, record
from portal.calendar.services import get_calendar
from procedures.eforms.attachments import CONTENT_TYPES
from procedures.eforms.display import display_items

from . import selectors, services
from .models import Dossier, DossierEvent, DossierFile
from .officer_forms import (
    AskToCompleteForm,
    ChooseProcedureForm,
    CounterIntakeForm,
    QueueFilterForm,
    RefuseForm,
)
from .states import NATIONAL_STATUS, State

QUEUE_PAGE_SIZE = 50


intake_officer_required = signed_in_and(
    selectors.receives_dossiers,
    "Signed in and receiving dossiers in at least one agency (otherwise 403).")


def _dossier_for(request: HttpRequest, pk: int) -> Dossier:
    """The dossier when it belongs to one of the officer's agencies; 404 otherwise."""
    return get_object_or_404(
        selectors.officer_dossiers(request.user).select_related(
            "procedure", "receiving_agency", "filled_form__version"), pk=pk)


# -- the queue -------------------------------------------------------------------------------


@intake_officer_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else {}
    scope_filters = {k: filters.get(k) for k in ("procedure", "state", "channel")}
    page = Paginator(selectors.intake_queue(request.user, **scope_filters,
                                            punctuality=filters.get("punctuality"), now=now),
                     QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = get_calendar()
    rows = [{"dossier": d, "badge": selectors.badge(d, now, calendar)} for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dossiers/intake/queue.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "counters": selectors.queue_counters(request.user, **scope_filters, now=now),
        "state": filters.get("state") or State.SUBMITTED,
    })


# -- one dossier -----------------------------------------------------------------------------


@intake_officer_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_for(request, pk)
    now = timezone.now()
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
           message=_("Dossier opened at intake"))
    files = list(DossierFile.objects.filter(dossier=dossier).select_related("component"))
    events = list(DossierEvent.objects.filter(dossier=dossier))
    eform = None
    if dossier.filled_form is not None:
        eform = display_items(dossier.filled_form.version.definition, dossier.filled_form.data)
    return render(request, "dossiers/intake/dossier.html", {
        "dossier": dossier, "files": files, "events": events, "eform": eform,
        "badge": selectors.badge(dossier, now),
        "late": selectors.is_late_intake(dossier, now),
        "national_status": NATIONAL_STATUS.get(dossier.state),
        "can_act": dossier.state == State.SUBMITTED,
        "processing_link": dossier.processing_agency_id is not None
        and selectors.processing_dossiers(request.user).filter(pk=dossier.pk).exists(),
        "ask_form": AskToCompleteForm(), "refuse_form": RefuseForm(),
    })


@intake_officer_required
def dossier_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    dossier = _dossier_for(request, pk)
    item = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
           message=_("File downloaded at intake: %(name)s") % {"name": item.original_name})
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file is no longer available.")) from None
    return FileResponse(handle, as_attachment=True, filename=item.original_name,
                        content_type=item.content_type or "application/octet-stream")


def _act(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    dossier = _dossier_for(request, pk)
    try:
        action(dossier)
    except services.DossierError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("intake:dossier", pk=dossier.pk)


@require_POST
@intake_officer_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda d: services.accept(d, by=request.user),
                _("The dossier was received; the receipt is being issued."))


@require_POST
@intake_officer_required
def ask_to_complete(request: HttpRequest, pk: int) -> HttpResponse:
    form = AskToCompleteForm(request.POST)
    if not form.is_valid():
        _dossier_for(request, pk)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("intake:dossier", pk=pk)
    return _act(request, pk, lambda d: services.ask_to_complete(
        d, by=request.user, defects=form.cleaned_data["defects"],
        reason=form.cleaned_data["note"]),
        _("The applicant was asked to complete the dossier."))


@require_POST
@intake_officer_required
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    form = RefuseForm(request.POST)
    if not form.is_valid():
        _dossier_for(request, pk)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("intake:dossier", pk=pk)
    return _act(request, pk, lambda d: services.refuse(d, by=request.user,
                                                       reasons=form.cleaned_data["reasons"]),
                _("The dossier was refused; the applicant is notified."))


# -- counter and postal intake (D3) ------------------------------------------------------------


def _citizen_by_personal_id(personal_id: str) -> User | None:
    if len(personal_id) != 12 or not personal_id.isdigit():
        return None
    return User.objects.filter(personal_id=personal_id, is_active=True).exclude(
        kind=User.Kind.OFFICER).first()


def _store_scan(dossier: Dossier, component: Any, upload: Any, kind: str, user: Any) -> None:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    DossierFile.objects.create(
        dossier=dossier, component=component, file=upload, original_name=upload.name[:255],
        content_type=CONTENT_TYPES[kind], size=upload.size, sha256=digest.hexdigest(),
        digitized=True, uploaded_by=user)


@intake_officer_required
def counter(request: HttpRequest) -> HttpResponse:
    chooser = ChooseProcedureForm(request.GET or None, user=request.user)
    if not (request.GET.get("procedure") and chooser.is_valid()):
        return render(request, "dossiers/intake/counter_choose.html", {"chooser": chooser})
    procedure = chooser.cleaned_data["procedure"]
    lookup_id = request.GET.get("lookup", "").strip()
    initial: dict[str, Any] = {}
    if request.method == "POST":
        form = CounterIntakeForm(request.POST, request.FILES, user=request.user,
                                 procedure=procedure)
        if form.is_valid():
            return _register(request, procedure, form)
    else:
        if lookup_id:
            citizen = _citizen_by_personal_id(lookup_id)
            initial["applicant_id_number"] = lookup_id
            if citizen is None:
                messages.warning(request, _("No registered citizen has this personal ID: "
                                            "type the applicant's details."))
            else:
                record(Action.VIEW_PERSONAL_DATA, request=request, obj=citizen,
                       message=_("Citizen looked up for counter intake"))
                initial.update(applicant_name=citizen.get_full_name(),
                               applicant_address=citizen.address,
                               applicant_phone=citizen.phone, applicant_email=citizen.email)
        form = CounterIntakeForm(initial=initial, user=request.user, procedure=procedure)
    if not form.agency_choices().exists():
        raise PermissionDenied
    return render(request, "dossiers/intake/counter.html", {
        "form": form, "procedure": procedure, "lookup_id": lookup_id})


def _register(request: HttpRequest, procedure: Any, form: CounterIntakeForm) -> HttpResponse:
    data = form.cleaned_data
    id_number = data["applicant_id_number"].strip()
    citizen = _citizen_by_personal_id(id_number)
    details = {key: data[key].strip() for key in (
        "applicant_name", "applicant_address", "applicant_phone", "applicant_email",
        "representative_name", "representative_id_number", "representative_authorisation",
        "summary", "delivery_address")}
    details["applicant_id_number"] = id_number
    try:
        with transaction.atomic():
            dossier = services.start_draft(
                procedure, applicant=citizen, receiving_agency=data["agency"],
                channel=data["channel"], delivery=data["delivery"], **details)
            for component, upload, kind in form.uploads():
                _store_scan(dossier, component, upload, kind, request.user)
            services.register_at_counter(dossier, by=request.user)
    except services.DossierError as error:
        messages.error(request, str(error))
        return render(request, "dossiers/intake/counter.html", {
            "form": form, "procedure": procedure, "lookup_id": ""})
    dossier.refresh_from_db()
    messages.success(request, _("Dossier %(code)s was received; result due %(due)s.") % {
        "code": dossier.code,
        "due": timezone.localtime(dossier.processing_due_at).strftime("%H:%M %d/%m/%Y")
        if dossier.processing_due_at else "—"})
    return redirect(reverse("intake:dossier", kwargs={"pk": dossier.pk}))
