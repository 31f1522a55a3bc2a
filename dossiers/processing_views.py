"""Pages of the processing side under ``/xu-ly/`` (D5, D6): the queue of open steps, a dossier
with its step timeline, the clock and the actions, and the control slip. Thin: the rules live in
``selectors`` and ``processing``; every dossier is looked up through the officer's scope (404
for another agency's dossier) and every action is a POST with CSRF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.decorators import signed_in_and
from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm
from portal.audit.services import Action, record
from portal.calendar.services import get_calendar

from . import control_slip, processing, selectors
from .models import Dossier, DossierDocument, DossierEvent, DossierFile, DossierStep
from .processing_forms import (
    ApologyForm,
    AssignForm,
    NoteForm,
    PaymentConfirmForm,
    PaymentRequestForm,
    ReasonForm,
    StepQueueFilterForm,
    SupplementRequestForm,
)
from .services import DossierError
from .states import CLOCK_STOPPED, NATIONAL_STATUS, State

QUEUE_PAGE_SIZE = 50


processing_officer_required = signed_in_and(
    selectors.processes_dossiers,
    "Signed in and processing or leading in at least one agency (otherwise 403).")


def _dossier_for(request: HttpRequest, pk: int) -> Dossier:
    """The dossier when the officer's agencies process it or hold one of its steps; else 404."""
    return get_object_or_404(
        selectors.processing_dossiers(request.user).select_related(
            "procedure", "receiving_agency", "processing_agency", "current_step",
            "current_step__agency", "current_step__assignee", "current_step__process_step"),
        pk=pk)


# -- the queue -------------------------------------------------------------------------------


@require_GET
@processing_officer_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = StepQueueFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else {}
    counters = selectors.step_counters(request.user, now=now, **filters)
    window = selectors.StepWindow(request.user, counters.matching, now=now, **filters)
    paginator: Paginator[DossierStep] = Paginator(window, QUEUE_PAGE_SIZE)  # type: ignore[arg-type]
    paginator.count = counters.matching  # type: ignore[misc]  # known: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    boundary = selectors.step_due_soon_boundary(now)
    calendar = get_calendar()
    rows = [{"step": s, "dossier": s.dossier,
             "badge": selectors.step_badge(s, now, boundary, calendar)}
            for s in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dossiers/processing/queue.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "counters": counters,
    })


# -- one dossier -----------------------------------------------------------------------------


def _assignable(step: DossierStep) -> list[Any]:
    """Officers who may handle ``step`` (its agency's processing officers and leaders of the
    step's unit or of no particular unit)."""
    from portal.accounts.models import Membership

    rows = (Membership.objects.current()
            .filter(agency_id=step.agency_id, role__in=processing.PROCESS_ROLES)
            .select_related("user").order_by("user__full_name", "user__username"))
    people: dict[int, Any] = {}
    for m in rows:
        if not step.unit or not m.unit or m.unit == step.unit:
            people.setdefault(m.user_id, m.user)
    return list(people.values())


@require_GET
@processing_officer_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_for(request, pk)
    now = timezone.now()
    user = request.user
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
           message=_("Dossier opened for processing"))
    step = dossier.current_step if dossier.current_step and not dossier.current_step.finished_at \
        else None
    agency_id = dossier.processing_agency_id
    processes = bool(agency_id and has_perm(user, Perm.PROCESS_DOSSIERS, agency_id))
    leads = bool(agency_id and processing.is_leader(user, agency_id))
    running = dossier.state == State.PROCESSING
    can_act = bool(step and running and processing.may_act(user, step))
    ps = step.process_step if step else None
    at_home = bool(step and step.agency_id == agency_id)
    context = {
        "dossier": dossier, "step": step, "now": now,
        "badge": selectors.step_badge(step, now) if step else None,
        "steps": list(DossierStep.objects.filter(dossier=dossier)
                      .select_related("agency", "assignee").order_by("started_at", "pk")),
        "events": list(DossierEvent.objects.filter(dossier=dossier)),
        "files": list(DossierFile.objects.filter(dossier=dossier).select_related("component")),
        "documents": list(DossierDocument.objects.filter(dossier=dossier)),
        "national_status": NATIONAL_STATUS.get(dossier.state),
        "clock_stopped": dossier.state in CLOCK_STOPPED,
        "missing": _last_missing(dossier),
        "remaining": selectors.remaining_text(dossier.processing_due_at, now)
        if running else "",
        "ready_to_settle": processing.ready_to_settle(dossier),
        # what the officer may do now
        "can_take": bool(step and running and step.assignee_id is None
                         and processing.may_take(user, step)),
        "can_assign": bool(step and running and processing.may_assign(user, step)),
        "can_act": can_act,
        "can_complete": can_act and at_home,
        "can_send_back": can_act and at_home and ps is not None and ps.order > 1,
        "can_forward": can_act and at_home and ps is not None and ps.other_agency_id is not None,
        "can_return": can_act and not at_home,
        "can_pause": running and processes,
        "can_confirm_payment": dossier.state == State.WAITING_PAYMENT and processes,
        "can_stop": dossier.state in processing.IN_PROCESSING and processes,
        "can_apologise": leads and dossier.state in processing.IN_PROCESSING
        and dossier.apologised_at is None,
        "assign_form": AssignForm(people=_assignable(step)) if step else None,
        "note_form": NoteForm(), "reason_form": ReasonForm(),
        "supplement_form": SupplementRequestForm(), "payment_form": PaymentRequestForm(),
        "confirm_form": PaymentConfirmForm(), "apology_form": ApologyForm(),
    }
    return render(request, "dossiers/processing/dossier.html", context)


def _last_missing(dossier: Dossier) -> list[str]:
    if dossier.state != State.WAITING_SUPPLEMENT:
        return []
    event = (DossierEvent.objects.filter(dossier=dossier, transition="ask_supplement")
             .order_by("-at", "-pk").first())
    return [str(m) for m in (event.data or {}).get("missing", [])] if event else []


@require_GET
@processing_officer_required
def dossier_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    dossier = _dossier_for(request, pk)
    item = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
           message=_("File downloaded in processing: %(name)s") % {"name": item.original_name})
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file is no longer available.")) from None
    return FileResponse(handle, as_attachment=True, filename=item.original_name,
                        content_type=item.content_type or "application/octet-stream")


@require_GET
@processing_officer_required
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The control slip as a page (printable) or, with ``?pdf=1``, as PDF."""
    dossier = _dossier_for(request, pk)
    if request.GET.get("pdf"):
        response = HttpResponse(control_slip.render_pdf(dossier), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="phieu-kiem-soat-{dossier.code or dossier.pk}.pdf"')
        response["Cache-Control"] = "private, no-store"
        return response
    return HttpResponse(control_slip.render_html(dossier))


# -- actions ---------------------------------------------------------------------------------


def _act(request: HttpRequest, pk: int, form_class: Any,
         action: Callable[[Dossier, dict[str, Any]], Any], success: str,
         form_kwargs: Callable[[Dossier], dict[str, Any]] | None = None) -> HttpResponse:
    dossier = _dossier_for(request, pk)
    form = form_class(request.POST, **(form_kwargs(dossier) if form_kwargs else {})) \
        if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("processing:dossier", pk=dossier.pk)
    try:
        action(dossier, form.cleaned_data if form is not None else {})
    except DossierError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    if not selectors.processing_dossiers(request.user).filter(pk=dossier.pk).exists():
        return redirect("processing:queue")
    return redirect("processing:dossier", pk=dossier.pk)


def _people(dossier: Dossier) -> dict[str, Any]:
    step = dossier.current_step
    return {"people": _assignable(step) if step else []}


@require_POST
@processing_officer_required
def take(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, None, lambda d, _c: processing.assign_step(
        d, by=request.user, assignee=request.user), _("You took the step."))


@require_POST
@processing_officer_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, AssignForm, lambda d, c: processing.assign_step(
        d, by=request.user, assignee=c["assignee"]), _("The step was assigned."),
        form_kwargs=_people)


@require_POST
@processing_officer_required
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, NoteForm, lambda d, c: processing.complete_step(
        d, by=request.user, note=c["note"]), _("The step is done."))


@require_POST
@processing_officer_required
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ReasonForm, lambda d, c: processing.send_back_step(
        d, by=request.user, reason=c["reason"]), _("The step was sent back."))


@require_POST
@processing_officer_required
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, NoteForm, lambda d, c: processing.forward_step(
        d, by=request.user, note=c["note"]), _("The step was forwarded to the other agency."))


@require_POST
@processing_officer_required
def give_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, NoteForm, lambda d, c: processing.return_step(
        d, by=request.user, note=c["note"]), _("The step was handed back."))


@require_POST
@processing_officer_required
def ask_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, SupplementRequestForm, lambda d, c: processing.ask_supplement(
        d, by=request.user, missing=c["missing"], reason=c["reason"]),
        _("The applicant was asked to supplement; the clock is stopped."))


@require_POST
@processing_officer_required
def ask_payment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, PaymentRequestForm, lambda d, c: processing.ask_payment(
        d, by=request.user, reason=c["reason"], amount=c.get("amount")),
        _("The applicant was asked to pay; the clock is stopped."))


@require_POST
@processing_officer_required
def confirm_payment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, PaymentConfirmForm, lambda d, c: processing.confirm_payment(
        d, by=request.user, reference=c["reference"]),
        _("The payment is confirmed; the clock runs again."))


@require_POST
@processing_officer_required
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ReasonForm, lambda d, c: processing.stop(
        d, by=request.user, reason=c["reason"]),
        _("The processing was stopped; the stop notice is being issued."))


@require_POST
@processing_officer_required
def apologise(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ApologyForm, lambda d, c: processing.apologise(
        d, by=request.user, reason=c["reason"], new_due_at=c["new_due_at"]),
        _("The apology and the new appointment are being issued."))
