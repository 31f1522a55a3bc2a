"""User administration. Agency admins manage the officers of their own agency (and the agencies
below it), and only those (U4; TN 8.1, 17.10.đ); operators and superusers manage everyone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.audit.admin import AuditedModelAdmin

from . import permissions, services
from .models import Membership, User
from .roles import AGENCY_ROLE_PERMS, PROVINCE_ROLE_PERMS, Perm, Role


def _is_province_admin(request: HttpRequest) -> bool:
    return permissions.is_province_wide(request.user, Perm.MANAGE_AGENCY_USERS)


class MembershipFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        request = getattr(self, "request", None)
        if request is None or _is_province_admin(request):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept and not self.instance.memberships.exclude(
            pk__in=[f.instance.pk for f in self.forms if f.instance.pk]
        ).exists():
            raise forms.ValidationError(
                _("An officer needs a role in one of your agencies, or you could not manage them.")
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    fields = ("agency", "role", "unit", "leads_unit", "is_active", "started_at", "ended_at")
    autocomplete_fields = ("agency",)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # type: ignore[attr-defined]
        return formset

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        qs = super().get_queryset(request).select_related("agency")
        return permissions.scope(qs, request.user, Perm.MANAGE_AGENCY_USERS)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agency":
            kwargs["queryset"] = permissions.agencies_for(request.user, Perm.MANAGE_AGENCY_USERS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest,
                                   **kwargs: Any) -> Any:
        if db_field.name == "role" and not _is_province_admin(request):
            kwargs["choices"] = [c for c in Role.choices if c[0] in AGENCY_ROLE_PERMS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _allowed(self, request: HttpRequest) -> bool:
        return permissions.has_perm(request.user, Perm.MANAGE_AGENCY_USERS)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    required_perm = Perm.MANAGE_AGENCY_USERS
    inlines = [MembershipInline]
    list_display = ("username", "full_name", "kind", "personal_id", "email", "is_active",
                    "last_login")
    list_filter = ("kind", "is_active", "identity_source", "memberships__role")
    search_fields = ("username", "full_name", "personal_id", "email", "phone",
                     "organisation_code")
    ordering = ("username",)
    actions = ["lock_accounts", "end_sessions"]
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "full_name", "kind", "email", "phone", "usable_password",
                           "password1", "password2")}),
    )
    officer_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "kind", "personal_id", "date_of_birth", "phone",
                                  "email", "address")}),
        (_("Organisation"), {"fields": ("organisation_code", "organisation_name")}),
        (_("Status"), {"fields": ("is_active", "password_changed_at", "last_login",
                                  "date_joined", "identity_source")}),
    )
    province_fieldsets = (
        *officer_fieldsets,
        (_("System rights"), {"fields": ("is_staff", "is_superuser", "groups",
                                         "user_permissions")}),
    )
    readonly_fields = ("password_changed_at", "last_login", "date_joined", "identity_source")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        if request.user.is_superuser:
            return self.province_fieldsets
        return self.officer_fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """An agency admin manages the officers whose roles in force are all within their
        agencies: never a superuser, a province-wide role, or someone who moved away."""
        qs = admin.ModelAdmin.get_queryset(self, request)
        ids = permissions.agency_ids_for(request.user, Perm.MANAGE_AGENCY_USERS)
        if ids is None:
            return qs
        current = Membership.objects.current()
        return (
            qs.filter(pk__in=current.filter(agency_id__in=ids).values("user_id"))
            .exclude(pk__in=current.exclude(agency_id__in=ids).values("user_id"))
            .exclude(pk__in=current.filter(role__in=list(PROVINCE_ROLE_PERMS)).values("user_id"))
            .exclude(is_superuser=True)
        )

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return permissions.has_perm(request.user, Perm.MANAGE_AGENCY_USERS)
        if obj.is_superuser and not request.user.is_superuser:
            return False
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are locked, never deleted: their acts stay attributable (TN 17.10.đ).
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change and "is_active" in form.changed_data and not obj.is_active:
            request._dvc_revoke = True  # type: ignore[attr-defined]
        if not change and not _is_province_admin(request):
            obj.kind = User.Kind.OFFICER
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = set(form.instance.memberships.current().values_list("agency_id", "role"))
        super().save_related(request, form, formsets, change)
        user: User = form.instance
        after = set(user.memberships.current().values_list("agency_id", "role"))
        services.sync_staff_flag(user)
        if change and (before - after or getattr(request, "_dvc_revoke", False)):
            services.revoke_sessions(user, by=request.user, request=request,
                                     reason="roles or status changed in admin")

    @admin.action(description=_("Lock the selected accounts"))
    def lock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.exclude(pk=getattr(request.user, "pk", 0) or 0):
            if self._allowed(request, user):
                services.lock_user(user, by=request.user, request=request, reason="admin action")
                count += 1
        self.message_user(request, _("%(count)d accounts locked.") % {"count": count},
                          messages.SUCCESS)

    @admin.action(description=_("End the open sessions of the selected accounts"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            if self._allowed(request, user):
                services.revoke_sessions(user, by=request.user, request=request,
                                         reason="admin action")
        self.message_user(request, _("Sessions ended."), messages.SUCCESS)

