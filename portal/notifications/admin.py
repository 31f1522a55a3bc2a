"""The delivery log for operators (read-only, with "send again"); each opened delivery, which
shows an address, is recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm
from portal.audit.admin import ReadOnlyAdminMixin
from portal.audit.models import AuditEntry
from portal.audit.services import record

from .models import Delivery, InboundSms


class OperatorReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.OPERATE_SYSTEM)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, Perm.OPERATE_SYSTEM)


    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record(AuditEntry.Action.VIEW_PERSONAL_DATA, request=request,
                   object_type=self.model._meta.label_lower, object_id=object_id,
                   message="notification address")
        return response


@admin.register(Delivery)
class DeliveryAdmin(OperatorReadOnly):
    list_display = ("created_at", "channel", "kind", "subject", "status", "attempts",
                    "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("subject", "dedupe_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Send again now"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = (queryset.exclude(status=Delivery.Status.SENT)
                 .exclude(channel=Delivery.Channel.IN_APP)
                 .update(next_attempt_at=timezone.now(), locked_until=None))
        self.message_user(request, ngettext("%(count)d delivery queued again.",
                                            "%(count)d deliveries queued again.", count)
                          % {"count": count}, messages.SUCCESS)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # the only action; operators may use it although rows cannot be edited
        return {name: value for name, value in super().get_actions(request).items()
                if name == "send_again"}


@admin.register(InboundSms)
class InboundSmsAdmin(OperatorReadOnly):
    list_display = ("received_at", "sender", "text", "outcome", "reply")
    list_filter = ("outcome",)
    readonly_fields = [f.name for f in InboundSms._meta.fields]
