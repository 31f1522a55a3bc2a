"""Operators' pages of the DVCQG sync (I1): /van-hanh/dvcqg/ — overview with dead letters and
failures (resend), the call log, the reconciliation with what the portal acknowledged."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm
from portal.audit.models import AuditEntry
from portal.audit.services import record

from . import outbox, selectors
from .models import CallLog, InboundLog, OutboxEvent


class OperatorOnly(LoginRequiredMixin):
    """Operators only (Perm.OPERATE_SYSTEM, province-wide)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_perm(request.user, Perm.OPERATE_SYSTEM):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class OverviewView(OperatorOnly, TemplateView):
    template_name = "dvcqg/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = selectors.counts_by_status()
        context["counts"] = [(value, label, counts.get(value, 0))
                             for value, label in OutboxEvent.Status.choices]
        context["lag"] = int(selectors.outbox_lag_seconds())
        context["problems"] = selectors.problem_rows()[:200]
        return context


class ResendView(OperatorOnly, View):
    """The operator's "resend": always puts the row back in the queue (POST, CSRF-checked)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(OutboxEvent, pk=pk)
        if row.status == OutboxEvent.Status.ACKNOWLEDGED:
            messages.info(request, _("This event was already acknowledged."))
            return redirect("dvcqg:overview")
        outbox.resend(row)
        record(AuditEntry.Action.OTHER, request=request, obj=row,
               message=f"resend {row.service} {row.dossier_code} #{row.sequence}")
        messages.success(request, _("The event of %(code)s will be sent again.")
                         % {"code": row.dossier_code})
        return redirect("dvcqg:overview")


class CallLogView(OperatorOnly, ListView):
    template_name = "dvcqg/calls.html"
    paginate_by = 100
    context_object_name = "calls"

    def get_queryset(self) -> QuerySet[CallLog]:
        qs = CallLog.objects.all()
        if code := self.request.GET.get("code", "").strip():
            qs = qs.filter(dossier_code=code)
        if self.request.GET.get("errors"):
            qs = qs.filter(ok=False)
        return qs


class InboundLogView(OperatorOnly, ListView):
    template_name = "dvcqg/inbound.html"
    paginate_by = 100
    context_object_name = "packets"

    def get_queryset(self) -> QuerySet[InboundLog]:
        return InboundLog.objects.all()


class ReconciliationView(OperatorOnly, TemplateView):
    template_name = "dvcqg/reconciliation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.reconciliation()
        return context
