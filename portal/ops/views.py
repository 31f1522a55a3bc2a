"""Operations pages (O1-O3) under /van-hanh/: the operators' overview (backups, health), the
maintenance notices, and the support requests of agencies (their form and status, the
operators' queue)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm

from . import health, services
from .forms import AnswerForm, NoticeForm, SupportForm
from .models import BackupRun, MaintenanceNotice, OpsSettings, SupportRequest


class OperatorOnly(LoginRequiredMixin):
    """Operators only (Perm.OPERATE_SYSTEM, province-wide)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_perm(request.user, Perm.OPERATE_SYSTEM):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class OverviewView(OperatorOnly, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _status, body = health.check()
        return render(request, "ops/overview.html", {
            "health": body, "runs": BackupRun.objects.all()[:30],
            "open_support": SupportRequest.objects.filter(
                status=SupportRequest.Status.OPEN).count(),
        })


class NoticesView(OperatorOnly, View):
    """List and publish maintenance notices (O2)."""

    def _page(self, request: HttpRequest, form: NoticeForm, status: int = 200) -> HttpResponse:
        rules = [(label, services.notice_rule_text(value))
                 for value, label in MaintenanceNotice.Kind.choices]
        return render(request, "ops/notices.html", {
            "form": form, "rules": rules, "now": timezone.now(),
            "notices": MaintenanceNotice.objects.select_related("created_by")[:50],
        }, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, NoticeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                services.publish_notice(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except services.OpsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The notice is published."))
                return redirect("ops:notices")
        return self._page(request, form, status=400)


class CancelNoticeView(OperatorOnly, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = get_object_or_404(MaintenanceNotice, pk=pk)
        services.cancel_notice(notice, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The notice is withdrawn."))
        return redirect("ops:notices")


# -- support requests ------------------------------------------------------------------------


def visible_requests(user: Any) -> QuerySet[SupportRequest]:
    """The user's own requests and those of the agencies they work in; operators see all."""
    rows = SupportRequest.objects.select_related("agency", "requester", "answered_by")
    if has_perm(user, Perm.OPERATE_SYSTEM):
        return rows
    agencies = [a.pk for a in services.support_agencies(user)]
    return rows.filter(Q(requester=user) | Q(agency_id__in=agencies))


class SupportView(LoginRequiredMixin, View):
    """Agency staff (any officer role): file a request, see theirs and their agency's."""

    def _agencies(self, request: HttpRequest) -> list[Any]:
        agencies = services.support_agencies(request.user)  # type: ignore[arg-type]
        if not agencies:
            raise PermissionDenied
        return agencies

    def _page(self, request: HttpRequest, form: SupportForm, status: int = 200) -> HttpResponse:
        agencies = [a.pk for a in self._agencies(request)]
        rows = (SupportRequest.objects.select_related("agency", "requester")
                .filter(Q(requester=request.user) | Q(agency_id__in=agencies)))
        return render(request, "ops/support.html", {
            "form": form, "rows": rows[:100], "now": timezone.now(),
            "support_hours": OpsSettings.current().support_response_working_hours,
        }, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, SupportForm(agencies=self._agencies(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SupportForm(request.POST, agencies=self._agencies(request))
        if form.is_valid():
            row = services.open_support_request(user=request.user,  # type: ignore[arg-type]
                                                **form.cleaned_data)
            messages.success(request, _("Request #%(id)d sent. An answer is due by %(due)s.")
                             % {"id": row.pk, "due": timezone.localtime(row.due_at).strftime(
                                 "%H:%M %d/%m/%Y")})
            return redirect("ops:support-detail", pk=row.pk)
        return self._page(request, form, status=400)


class SupportQueueView(OperatorOnly, View):
    """The operators' queue: open requests first, the most urgent on top; overdue marked."""

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", SupportRequest.Status.OPEN)
        rows = SupportRequest.objects.select_related("agency", "requester")
        if status in SupportRequest.Status.values:
            rows = rows.filter(status=status)
        return render(request, "ops/support_queue.html", {
            "rows": rows.order_by("due_at")[:200], "now": timezone.now(), "status": status,
            "statuses": SupportRequest.Status.choices,
        })


class SupportDetailView(LoginRequiredMixin, View):
    def _row(self, request: HttpRequest, pk: int) -> SupportRequest:
        try:
            return visible_requests(request.user).get(pk=pk)
        except SupportRequest.DoesNotExist:
            raise Http404 from None

    def _page(self, request: HttpRequest, row: SupportRequest, form: AnswerForm | None,
              status: int = 200) -> HttpResponse:
        return render(request, "ops/support_detail.html", {
            "row": row, "form": form, "now": timezone.now(),
            "overdue": row.is_overdue(),
        }, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self._row(request, pk)
        form = AnswerForm() if has_perm(request.user, Perm.OPERATE_SYSTEM) else None
        return self._page(request, row, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not has_perm(request.user, Perm.OPERATE_SYSTEM):
            raise PermissionDenied
        row = self._row(request, pk)
        form = AnswerForm(request.POST)
        if form.is_valid():
            services.answer_support_request(row, by=request.user,  # type: ignore[arg-type]
                                            answer=form.cleaned_data["answer"],
                                            close=form.cleaned_data["close"])
            messages.success(request, _("The answer is sent."))
            return redirect("ops:support-queue")
        return self._page(request, row, form, status=400)
