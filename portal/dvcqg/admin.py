"""Operators manage the ministries' systems (tokens shown once) and read the outbox (I1, I2)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin

from .models import MinistrySystem, OutboxEvent


@admin.register(MinistrySystem)
class MinistrySystemAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "token_prefix", "is_active", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    filter_horizontal = ("procedures",)
    readonly_fields = ("token_prefix", "created_at", "last_used_at")
    actions = ["issue_new_token"]

    def save_model(self, request: HttpRequest, obj: MinistrySystem, form: ModelForm,
                   change: bool) -> None:
        token = None if obj.token_hash else obj.set_new_token()
        super().save_model(request, obj, form, change)
        if token is not None:
            self._show_token(request, obj, token)

    def _show_token(self, request: HttpRequest, obj: MinistrySystem, token: str) -> None:
        messages.warning(request, _("Token of %(name)s (shown only once): %(token)s")
                         % {"name": obj.name, "token": token})

    @admin.action(description=gettext_lazy("Issue a new token (the old one stops working)"))
    def issue_new_token(self, request: HttpRequest, queryset: QuerySet[MinistrySystem]) -> None:
        for obj in queryset:
            token = obj.set_new_token()
            obj.save(update_fields=["token_hash", "token_prefix"])
            self._show_token(request, obj, token)


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdminMixin, AuditedModelAdmin):
    list_display = ("dossier_code", "sequence", "service", "national_status", "status",
                    "attempts", "next_attempt_at", "acknowledged_at")
    list_filter = ("status", "service")
    search_fields = ("dossier_code",)
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
