"""Admin for the audit log (read-only) and the base class that audits every admin change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from portal.accounts.permissions import has_perm, scope
from portal.accounts.roles import Perm

from .models import AuditEntry
from .services import Action, model_changes, record

_PENDING = "_audit_pending_changes"


class ReadOnlyAdminMixin:
    """Rows written only by the system (log entries, runs, snapshots): shown in the admin,
    never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions (inlines included) enter the audit log
    with the changed values, the officer and their address.

    Access goes through the one permission helper: ``required_perm`` decides who may use the
    page; with ``agency_field`` set, the rows are narrowed to the agencies where the user holds it.
    """

    required_perm: Perm = Perm.OPERATE_SYSTEM
    agency_field: str | None = None

    def _agency_id_of(self, obj: Any) -> int:
        assert self.agency_field is not None
        if self.agency_field == "pk":
            return int(obj.pk)
        *path, last = self.agency_field.split("__")
        for part in path:
            obj = getattr(obj, part)
        return int(getattr(obj, f"{last}_id"))

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.agency_field is not None:
            return has_perm(request.user, self.required_perm, self._agency_id_of(obj))
        return has_perm(request.user, self.required_perm)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if self.agency_field is None:
            return qs
        return scope(qs, request.user, self.required_perm, self.agency_field)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        setattr(request, _PENDING, model_changes(form))
        super().save_model(request, obj, form, change)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record(Action.CREATE, request=request, obj=obj, changes=getattr(request, _PENDING, {}))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record(Action.UPDATE, request=request, obj=obj, changes=getattr(request, _PENDING, {}))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            record(Action.DELETE, request=request, obj=obj)
        return super().log_deletions(request, queryset)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseFormSet,
                     change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            record(Action.CREATE, request=request, obj=obj)
        for obj, fields in getattr(formset, "changed_objects", []):
            record(Action.UPDATE, request=request, obj=obj, changes={"fields": fields})
        for obj in getattr(formset, "deleted_objects", []):
            record(Action.DELETE, request=request, obj=obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id", "message")
    date_hierarchy = "at"
    list_select_related = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.VIEW_AUDIT)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, Perm.VIEW_AUDIT)
