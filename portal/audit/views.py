"""The audit log for supervisors and operators (read-only)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.generic import ListView

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm

from .models import AuditEntry


class AuditLogView(LoginRequiredMixin, ListView):
    template_name = "audit/log.html"
    paginate_by = 50
    context_object_name = "entries"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_perm(request.user, Perm.VIEW_AUDIT):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AuditEntry]:
        qs = AuditEntry.objects.all()
        params = self.request.GET
        if actor := params.get("actor", "").strip():
            qs = qs.filter(actor_name__icontains=actor)
        if action := params.get("action", "").strip():
            qs = qs.filter(action=action)
        if obj := params.get("object", "").strip():
            qs = qs.filter(object_repr__icontains=obj)
        tz = timezone.get_current_timezone()
        if day := parse_date(params.get("from", "") or ""):
            qs = qs.filter(at__gte=datetime.combine(day, time.min, tz))
        if day := parse_date(params.get("to", "") or ""):
            qs = qs.filter(at__lte=datetime.combine(day, time.max, tz))
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["actions"] = AuditEntry.Action.choices
        context["filters"] = self.request.GET
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context
