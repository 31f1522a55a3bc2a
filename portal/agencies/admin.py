"""Agencies, levels and the province in admin. Operators edit everything; an agency admin edits
the contact details of their own agencies (A2)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts import permissions
from portal.accounts.roles import Perm
from portal.audit.admin import AuditedModelAdmin

from .models import Agency, AgencyLevel, Province


@admin.register(AgencyLevel)
class AgencyLevelAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "rank", "is_active")
    list_editable = ("rank", "is_active")


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    required_perm = Perm.MANAGE_AGENCY_USERS
    agency_field = "pk"
    list_display = ("name", "code", "level", "parent", "counter_phone", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_name", "code")
    list_select_related = ("level", "parent")
    autocomplete_fields = ("parent",)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "level", "parent", "is_active")}),
        (_("Contact"), {"fields": ("address", "phone", "hotline", "email")}),
        (_("One-stop counter"), {"fields": ("counter_name", "counter_address", "counter_phone")}),
        (_("Beneficiary account"), {"fields": ("beneficiary_name", "beneficiary_account",
                                            "beneficiary_bank")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if permissions.has_perm(request.user, Perm.OPERATE_SYSTEM):
            return ()
        # Where citizens pay fees: only operators change it (F1).
        return ("code", "level", "parent", "is_active", "beneficiary_name",
                "beneficiary_account", "beneficiary_bank")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.has_perm(request.user, Perm.OPERATE_SYSTEM)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.has_perm(request.user, Perm.OPERATE_SYSTEM)


@admin.register(Province)
class ProvinceAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "domain", "feedback_deadline_working_days",
                    "intake_deadline_working_hours")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Province.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
