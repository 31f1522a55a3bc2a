"""Operators edit the operations settings (minimum notices, support response time) and read the
backup runs in the admin; notices and support requests have their own pages under /van-hanh/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin

from .models import BackupRun, OpsSettings


@admin.register(OpsSettings)
class OpsSettingsAdmin(AuditedModelAdmin):
    list_display = ("__str__", "maintenance_notice", "maintenance_notice_unit", "upgrade_notice",
                    "upgrade_notice_unit", "other_notice", "other_notice_unit",
                    "support_response_working_hours")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not OpsSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BackupRun)
class BackupRunAdmin(ReadOnlyAdminMixin, AuditedModelAdmin):
    list_display = ("started_at", "finished_at", "status", "engine", "size", "path", "trigger")
    list_filter = ("status",)
    readonly_fields = ("started_at", "finished_at", "status", "engine", "size", "path", "error",
                       "trigger")
