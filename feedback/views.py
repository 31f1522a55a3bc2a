"""Pages of feedback (K1-K4): the public form and published answers, the sender's rating link,
the survey, and the staff queue and item pages. Thin: rules live in ``services``/``selectors``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers.models import Dossier
from portal.accounts.decorators import signed_in_and
from portal.accounts.permissions import agencies_for
from portal.accounts.roles import Perm
from portal.audit.services import record
from portal.calendar.services import get_calendar
from portal.net import client_ip
from portal.ratelimit import hit

from . import forms, selectors, services, surveys
from .models import Channel, Feedback, FeedbackAttachment, State

PAGE_SIZE = 50
#: A text search counts at most this many matches (a broad search is refined, not paged to
#: its end): the exact count of tens of thousands of matches would cost more than the page.
SEARCH_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return int(self.object_list[:SEARCH_COUNT_CAP].count())  # type: ignore[index,attr-defined]


def _paginator(items: Any, size: int, q: str) -> Paginator:
    return (CappedPaginator if q.strip() else Paginator)(items, size)
SEND_RATE_PER_HOUR: int = getattr(settings, "FEEDBACK_RATE_PER_HOUR", 5)


# -- public ----------------------------------------------------------------------------------


def send(request: HttpRequest) -> HttpResponse:
    """K1: the portal's "Phản ánh, kiến nghị" page, open to anyone with a contact."""
    form = forms.SendForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if not hit("feedback", client_ip(request) or "", SEND_RATE_PER_HOUR, 3600):
            return render(request, "feedback/too_many.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.submit_online(
                    user=request.user if request.user.is_authenticated else None,
                    sender_name=data["sender_name"], sender_phone=data["sender_phone"],
                    sender_email=data["sender_email"], sender_address=data["sender_address"],
                    title=data["title"], content=data["content"], files=data["files"])
            except ValidationError as error:
                form.add_error("files", error)
            except services.FeedbackError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "feedback/sent.html", {"item": item})
    return render(request, "feedback/send.html", {"form": form})


def public_list(request: HttpRequest) -> HttpResponse:
    """K3: published answers, searchable (accent-insensitive) and filterable."""
    form = forms.PublicFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    items = selectors.published(q=filters.get("q") or "",
                                agency=filters["agency"].pk if filters.get("agency") else None,
                                category=filters.get("category") or "")
    page = _paginator(items, 20, filters.get("q") or "").get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "feedback/public_list.html",
                  {"form": form, "page": page, "query": query.urlencode()})


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(selectors.published(), code=code)
    return render(request, "feedback/public_detail.html", {"item": item})


def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The sender's link from the answer message: rate the answer or contest it."""
    item = services.by_rating_token(token)
    if item is None:
        raise Http404
    rate_form = forms.RateForm(request.POST if "rating" in request.POST else None)
    contest_form = forms.ContestForm(request.POST if "reason" in request.POST else None)
    if request.method == "POST":
        try:
            if rate_form.is_bound and rate_form.is_valid():
                services.rate(token, rate_form.cleaned_data["rating"])
                messages.success(request, _("Thank you for your rating."))
                return redirect("feedback:rate", token=token)
            if contest_form.is_bound and contest_form.is_valid():
                services.contest(token, contest_form.cleaned_data["reason"])
                return render(request, "feedback/contested.html", {"item": item})
        except services.FeedbackError as error:
            messages.error(request, str(error))
    return render(request, "feedback/rate.html", {
        "item": item, "rate_form": rate_form, "contest_form": contest_form})


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """K4: the short survey after a dossier's result was returned (single use)."""
    invitation = surveys.valid_invitation(token)
    if invitation is None:
        return render(request, "feedback/survey_invalid.html", status=410)
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.answer(token, **form.cleaned_data)
        except services.FeedbackError:
            return render(request, "feedback/survey_invalid.html", status=410)
        return render(request, "feedback/survey_thanks.html")
    return render(request, "feedback/survey.html",
                  {"form": form, "agency": invitation.agency})


# -- staff -----------------------------------------------------------------------------------


staff_required = signed_in_and(
    selectors.is_staff_member,
    "Signed in and handling feedback in an agency or province-wide (otherwise 403).")


def _item_for(request: HttpRequest, pk: int) -> Feedback:
    """The item when the user may see it; 404 otherwise (no IDOR)."""
    return get_object_or_404(selectors.staff_items(request.user).select_related(
        "agency", "intake_agency", "procedure", "dossier", "entered_by"), pk=pk)


@staff_required
def staff_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = forms.QueueFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    q = filters.get("q") or ""
    items = selectors.QueueWindow(request.user, state=filters.get("state") or "",
                                  late=bool(filters.get("late")), q=q, now=now,
                                  count_cap=SEARCH_COUNT_CAP if q.strip() else None)
    paginator: Paginator[Feedback] = Paginator(items, PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    # what each row shows, worked out here once per page rather than per row in the template:
    # labels, local times and the remaining working time (one calendar)
    states = {value: str(label) for value, label in State.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    calendar = get_calendar()
    local = services.local_text
    rows = [{"item": f, "code": f.code, "title": f.title,
             "url": reverse("feedback:staff-item", args=[f.pk]),
             "agency": f.agency.name if f.agency else "", "late_entry": f.late_entry,
             "late": selectors.is_late(f, now), "state": states.get(f.state, ""),
             "channel": channels.get(f.channel, ""),
             "received": local(f.received_at), "due": local(f.due_at),
             "deadline": selectors.deadline_text(f, now, calendar)}
            for f in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "feedback/staff/queue.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "can_triage": services.can_triage(request.user)})


@staff_required
def staff_enter(request: HttpRequest) -> HttpResponse:
    """K1, TH 14.3: enter an item received by e-mail, hotline, post or in person."""
    agencies = agencies_for(request.user, Perm.VIEW_AGENCY_WORK).filter(is_active=True)
    form = forms.StaffEntryForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.enter_by_staff(
                by=request.user, agency=data["agency"], channel=data["channel"],
                received_at=data["received_at"], sender_name=data["sender_name"],
                sender_phone=data["sender_phone"], sender_email=data["sender_email"],
                sender_address=data["sender_address"],
                sender_id_number=data["sender_id_number"], title=data["title"],
                content=data["content"], files=data["files"])
        except ValidationError as error:
            form.add_error("files", error)
        except services.FeedbackError as error:
            form.add_error(None, str(error))
        else:
            if item.late_entry:
                messages.warning(request, _("Entered more than 8 working hours after it was "
                                            "received: the entry is flagged as late."))
            return redirect("feedback:staff-item", pk=item.pk)
    return render(request, "feedback/staff/enter.html", {"form": form})


@staff_required
def staff_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    record("view_personal_data", request=request, obj=item,
           message="feedback sender's data shown")
    now = timezone.now()
    user = request.user
    triage = services.can_triage(user)
    answer_ok = services.can_answer(user, item)
    publish_ok = services.can_publish(user, item)
    return render(request, "feedback/staff/item.html", {
        "item": item, "events": item.events.all(), "attachments": item.attachments.all(),
        "coordinating": item.coordinating_agencies.all(),
        "late": selectors.is_late(item, now), "deadline": selectors.deadline_text(item, now),
        "classify_form": forms.ClassifyForm() if triage and item.state == State.RECEIVED
        else None,
        "reject_form": forms.RejectForm() if triage and item.state in (
            State.RECEIVED, State.CLASSIFIED) else None,
        "assign_form": forms.AssignForm(initial={"agency": item.agency_id})
        if triage and item.state in (State.CLASSIFIED, State.ASSIGNED, State.COORDINATING)
        else None,
        "coordinate_form": forms.CoordinateForm() if answer_ok and item.state in (
            State.ASSIGNED, State.COORDINATING) else None,
        "answer_form": forms.AnswerForm() if answer_ok and item.state in (
            State.ASSIGNED, State.COORDINATING) else None,
        "can_publish": publish_ok and item.state == State.ANSWERED,
        "reopen_form": forms.ReopenForm() if triage and item.state in (
            State.ANSWERED, State.PUBLISHED, State.CLOSED) else None,
    })


@staff_required
@require_POST
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = _item_for(request, pk)
    user = request.user
    form: Any = None
    try:
        if action == "classify":
            form = forms.ClassifyForm(request.POST)
            if form.is_valid():
                dossier = None
                code = form.cleaned_data["dossier_code"].strip()
                if code:
                    dossier = Dossier.objects.filter(code=code).first()
                    if dossier is None:
                        raise services.FeedbackError(_("No dossier has this code."))
                services.classify(item, by=user, category=form.cleaned_data["category"],
                                  dossier=dossier)
        elif action == "reject":
            form = forms.RejectForm(request.POST)
            if form.is_valid():
                services.reject(item, by=user, reason=form.cleaned_data["reason"])
        elif action == "assign":
            form = forms.AssignForm(request.POST)
            if form.is_valid():
                services.assign(item, by=user, agency=form.cleaned_data["agency"],
                                note=form.cleaned_data["note"])
        elif action == "coordinate":
            form = forms.CoordinateForm(request.POST)
            if form.is_valid():
                services.coordinate(item, by=user, agencies=form.cleaned_data["agencies"],
                                    note=form.cleaned_data["note"])
        elif action == "answer":
            form = forms.AnswerForm(request.POST)
            if form.is_valid():
                services.answer(item, by=user, text=form.cleaned_data["text"])
        elif action == "publish":
            services.publish(item, by=user)
        elif action == "close":
            services.close(item, by=user)
        elif action == "reopen":
            form = forms.ReopenForm(request.POST)
            if form.is_valid():
                services.reopen(item, by=user, reason=form.cleaned_data["reason"])
        else:
            raise Http404
        if form is not None and not form.is_valid():
            messages.error(request, _("Check the form: %(errors)s") % {
                "errors": "; ".join(str(e) for errs in form.errors.values() for e in errs)})
        else:
            messages.success(request, _("Done."))
    except services.FeedbackError as error:
        messages.error(request, str(error))
    return redirect("feedback:staff-item", pk=item.pk)


@staff_required
def staff_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        FeedbackAttachment.objects.filter(feedback__in=selectors.staff_items(request.user)),
        pk=pk)
    record("view_personal_data", request=request, obj=attachment.feedback,
           message=f"feedback attachment {attachment.pk} downloaded")
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name,
                        content_type=attachment.content_type)


@staff_required
def staff_surveys(request: HttpRequest) -> HttpResponse:
    """Survey results as aggregates per agency only (officers never see single answers)."""
    ids = None if selectors.sees_all(request.user) else set(
        agencies_for(request.user, Perm.VIEW_AGENCY_WORK).values_list("pk", flat=True))
    return render(request, "feedback/staff/surveys.html", {"rows": surveys.summary(ids)})
