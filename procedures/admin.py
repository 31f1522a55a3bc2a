"""Catalogue administration (U4): agency admins manage their own agency's procedures, forms,
processes and fees; operators manage all and carry out publication decisions (P3)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts import permissions
from portal.accounts.roles import Perm
from portal.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin

from . import services
from .eforms.schema import validate_definition
from .eforms.services import new_version
from .excel import export_catalogue, import_catalogue
from .models import (
    DecisionItem,
    DossierComponent,
    EForm,
    Fee,
    Field,
    InternalProcess,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
)


class ScopedInline(admin.TabularInline):
    """An inline editable by whoever may edit the parent (the parent admin checks the agency)."""

    extra = 0
    perm = Perm.MANAGE_AGENCY_CATALOGUE

    def _allowed(self, request: HttpRequest) -> bool:
        return permissions.has_perm(request.user, self.perm)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class MethodInline(ScopedInline):
    model = ProcedureMethod


class FeeInline(ScopedInline):
    model = Fee


class ComponentInline(ScopedInline):
    model = DossierComponent
    fields = ("order", "name", "originals", "copies", "requirement", "condition", "form")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "form":
            match = request.resolver_match
            parent_id = match.kwargs.get("object_id") if match is not None else None
            kwargs["queryset"] = EForm.objects.filter(procedure_id=parent_id or 0).select_related(
                "procedure")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EFormInline(ScopedInline):
    model = EForm
    fields = ("symbol", "name", "signature_required", "is_active", "edit_link")
    readonly_fields = ("edit_link",)

    @admin.display(description=_("field definition"))
    def edit_link(self, obj: EForm) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:procedures_eform_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Edit the form's fields"))


def _owner_agencies(request: HttpRequest) -> QuerySet[Any]:
    return permissions.agencies_for(request.user, Perm.MANAGE_AGENCY_CATALOGUE)


@admin.register(Field)
class FieldAdmin(AuditedModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(LegalDocument)
class LegalDocumentAdmin(AuditedModelAdmin):
    required_perm = Perm.MANAGE_AGENCY_CATALOGUE
    list_display = ("number", "title", "issued_on", "issuer")
    search_fields = ("number", "title", "issuer")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shared by every agency's procedures: only operators change what others rely on.
        return permissions.has_perm(request.user, Perm.OPERATE_SYSTEM)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.has_perm(request.user, Perm.OPERATE_SYSTEM)


_IMPORT_SESSION_KEY = "procedures_import_uploads"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue workbook (.xlsx)"),
        help_text=_("The export's columns; rows are matched by national code."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


def _keep_upload(request: HttpRequest, upload: Any) -> str:
    """Keep a previewed upload for the confirmation step; only this session can use it."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(16)
    target = folder / f"{token}.xlsx"
    upload.seek(0)
    target.write_bytes(upload.read())
    request.session.setdefault(_IMPORT_SESSION_KEY, {})[token] = str(target)
    request.session.modified = True
    return token


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(Procedure.Status.SUSPENDED, Procedure.Status.SUSPENDED.label),
                 (Procedure.Status.ABOLISHED, Procedure.Status.ABOLISHED.label)],
    )
    reason = forms.CharField(label=_("Reason shown to citizens"), max_length=500)


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin):
    required_perm = Perm.MANAGE_AGENCY_CATALOGUE
    agency_field = "owner_agency"
    list_display = ("national_code", "name", "field", "level", "online_level", "status_badge",
                    "owner_agency")
    list_filter = ("status", "online_level", "level", "field", "owner_agency")
    search_fields = ("national_code", "name", "search_text")
    list_select_related = ("field", "level", "owner_agency")
    filter_horizontal = ("receiving_agencies", "deciding_agencies", "legal_basis")
    readonly_fields = ("status", "status_reason", "status_since", "versions_list")
    inlines = [MethodInline, FeeInline, ComponentInline, EFormInline]
    actions = ["publish_selected", "export_selected"]
    fieldsets = (
        (None, {"fields": ("national_code", "name", "field", "level", "owner_agency",
                           "online_level", "is_sample")}),
        (_("Agencies"), {"fields": ("implementing_agency_text", "receiving_agencies",
                                    "deciding_agencies")}),
        (_("Processing time"), {"fields": ("processing_time", "processing_unit",
                                           "same_day_cutoff")}),
        (_("Public information"), {"fields": ("steps", "subjects", "result", "conditions",
                                              "fee_text", "legal_basis")}),
        (_("Publication"), {"fields": ("status", "status_reason", "status_since",
                                       "versions_list")}),
    )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Procedure) -> str:
        colours = {"published": "#1e7b34", "draft": "#5b6570", "suspended": "#9a6700",
                   "abolished": "#b3261e"}
        return format_html('<strong style="color:{}">{}</strong>', colours.get(obj.status, ""),
                           obj.get_status_display())

    @admin.display(description=_("versions"))
    def versions_list(self, obj: Procedure) -> str:
        versions = list(obj.versions.select_related("decision")[:10]) if obj.pk else []
        if not versions:
            return gettext("Not published yet.")
        return format_html_join(
            mark_safe("<br>"), "v{} — {}{}",
            ((v.number, timezone.localtime(v.published_at).strftime("%d/%m/%Y %H:%M"),
              f" — {v.decision.number}" if v.decision else "") for v in versions),
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner_agency":
            kwargs["queryset"] = _owner_agencies(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self) -> list[Any]:
        own = [
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view),
                 name="procedures_procedure_publish"),
            path("<int:pk>/close/", self.admin_site.admin_view(self.close_view),
                 name="procedures_procedure_close"),
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="procedures_procedure_import"),
        ]
        return own + super().get_urls()

    def _get_editable(self, request: HttpRequest, pk: int) -> Procedure:
        procedure = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, procedure):
            raise PermissionDenied
        return procedure

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self._get_editable(request, pk)
        if request.method == "POST":
            version = services.publish(procedure, by=request.user)
            self.message_user(request, gettext("Published as version %(n)d.")
                              % {"n": version.number}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:procedures_procedure_change", args=[pk]))

    def close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self._get_editable(request, pk)
        form = CloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.close(procedure, form.cleaned_data["status"], form.cleaned_data["reason"],
                           by=request.user)
            self.message_user(request, gettext("The procedure no longer accepts dossiers."),
                              messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:procedures_procedure_change", args=[pk]))
        context = {**self.admin_site.each_context(request), "form": form, "procedure": procedure,
                   "opts": self.model._meta, "title": gettext("Suspend or abolish")}
        return TemplateResponse(request, "admin/procedures/close.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a catalogue workbook, preview what it would do (dry run), then confirm."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        allowed = permissions.agency_ids_for(request.user, Perm.MANAGE_AGENCY_CATALOGUE)
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        token = ""
        if request.method == "POST" and request.POST.get("confirm"):
            token = request.POST.get("token", "")
            stored = request.session.get(_IMPORT_SESSION_KEY, {}).get(token)
            if not stored or not Path(stored).exists():
                self.message_user(request, gettext("The preview has expired; upload the file "
                                                   "again."), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:procedures_procedure_import"))
            report = import_catalogue(Path(stored), dry_run=False, by=request.user,
                                      allowed_agency_ids=allowed)
            Path(stored).unlink(missing_ok=True)
            request.session.get(_IMPORT_SESSION_KEY, {}).pop(token, None)
            request.session.modified = True
            if report.applied:
                self.message_user(request, report.summary(), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:procedures_procedure_changelist"))
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_catalogue(upload, dry_run=True, by=request.user,
                                      allowed_agency_ids=allowed)
            if report.ok:
                token = _keep_upload(request, upload)
        context = {**self.admin_site.each_context(request), "form": form, "report": report,
                   "token": token, "opts": self.model._meta,
                   "title": gettext("Import procedures from Excel")}
        return TemplateResponse(request, "admin/procedures/import.html", context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {**(extra_context or {}), "lifecycle_actions": True}
        return super().change_view(request, object_id, form_url, extra)

    @admin.action(description=_("Publish the selected procedures (new version)"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        count = 0
        for procedure in queryset:
            if self.has_change_permission(request, procedure):
                services.publish(procedure, by=request.user)
                count += 1
        self.message_user(request, gettext("%(count)d procedures published.") % {"count": count},
                          messages.SUCCESS)

    @admin.action(description=_("Export the selected procedures to Excel"))
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        response = HttpResponse(
            export_catalogue(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="thu-tuc-{stamp}.xlsx"'
        return response


class EFormAdminForm(forms.ModelForm):
    definition = forms.JSONField(
        label=_("field definition (JSON)"), required=True,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family:monospace"}),
        help_text=_("Saving a changed definition creates a new version; dossiers keep theirs."),
    )

    class Meta:
        model = EForm
        fields = ("procedure", "symbol", "name", "signature_required", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.current_version if self.instance.pk else None
        if current is not None:
            self.fields["definition"].initial = current.definition
        else:
            self.fields["definition"].initial = {"title": "", "fields": []}

    def clean_definition(self) -> Any:
        data = self.cleaned_data["definition"]
        errors = validate_definition(data)
        if errors:
            raise forms.ValidationError(errors)
        return data


@admin.register(EForm)
class EFormAdmin(AuditedModelAdmin):
    required_perm = Perm.MANAGE_AGENCY_CATALOGUE
    agency_field = "procedure__owner_agency"
    form = EFormAdminForm
    list_display = ("code_display", "name", "procedure", "signature_required", "is_active",
                    "version_number")
    list_select_related = ("procedure",)
    search_fields = ("symbol", "name", "procedure__national_code", "procedure__name")
    autocomplete_fields = ("procedure",)

    @admin.display(description=_("form code"))
    def code_display(self, obj: EForm) -> str:
        return obj.code

    @admin.display(description=_("version"), ordering="latest_version")
    def version_number(self, obj: EForm) -> int | None:
        return getattr(obj, "latest_version", None)

    def get_queryset(self, request: HttpRequest) -> QuerySet[EForm]:
        return super().get_queryset(request).annotate(latest_version=Max("versions__number"))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "procedure":
            kwargs["queryset"] = permissions.scope(
                Procedure.objects.all(), request.user, Perm.MANAGE_AGENCY_CATALOGUE,
                "owner_agency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: EForm, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        new_version(obj, form.cleaned_data["definition"], by=request.user)


class StepFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        steps = [
            ProcessStep(**{k: f.cleaned_data[k] for k in ("order", "name", "budget",
                                                          "budget_unit")})
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        procedure = getattr(self.instance, "procedure", None)
        if procedure is None:
            return
        problem = services.budget_problem(procedure, steps)
        if problem:
            raise forms.ValidationError(problem)


class StepInline(ScopedInline):
    model = ProcessStep
    formset = StepFormSet
    fields = ("order", "name", "unit", "role", "budget", "budget_unit", "other_agency")


@admin.register(InternalProcess)
class InternalProcessAdmin(AuditedModelAdmin):
    required_perm = Perm.MANAGE_AGENCY_CATALOGUE
    agency_field = "agency"
    list_display = ("procedure", "agency", "is_active")
    list_select_related = ("procedure", "agency")
    list_filter = ("is_active", "agency")
    search_fields = ("procedure__national_code", "procedure__name")
    autocomplete_fields = ("procedure",)
    inlines = [StepInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agency":
            kwargs["queryset"] = _owner_agencies(request)
        if db_field.name == "procedure":
            kwargs["queryset"] = permissions.scope(
                Procedure.objects.all(), request.user, Perm.MANAGE_AGENCY_CATALOGUE,
                "owner_agency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DecisionItemInline(ScopedInline):
    model = DecisionItem
    perm = Perm.OPERATE_SYSTEM
    extra = 1
    autocomplete_fields = ("procedure", "replaces")


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(AuditedModelAdmin):
    """Operators record the Chairman's decisions and see which are not live yet (P3)."""

    list_display = ("number", "signed_on", "signer", "received_at", "deadline", "live")
    search_fields = ("number", "summary", "signer")
    inlines = [DecisionItemInline]
    readonly_fields = ("applied_at", "applied_by")
    actions = ["apply_selected"]

    @admin.display(description=_("deadline to be live"))
    def deadline(self, obj: PublicationDecision) -> str:
        due = services.decision_deadline(obj)
        text = timezone.localtime(due).strftime("%H:%M %d/%m/%Y")
        if obj.applied_at is None and due < timezone.now():
            return format_html('<strong style="color:#b3261e">{} — {}</strong>', text,
                               gettext("overdue"))
        if obj.applied_at is not None and obj.applied_at > due:
            return format_html('{} <span style="color:#b3261e">({})</span>', text,
                               gettext("applied late"))
        return text

    @admin.display(description=_("live since"), ordering="applied_at")
    def live(self, obj: PublicationDecision) -> str:
        if obj.applied_at is None:
            return format_html('<strong style="color:#9a6700">{}</strong>',
                               gettext("not live yet"))
        return timezone.localtime(obj.applied_at).strftime("%H:%M %d/%m/%Y")

    @admin.action(description=_("Make the selected decisions live"))
    def apply_selected(self, request: HttpRequest,
                       queryset: QuerySet[PublicationDecision]) -> None:
        for decision in queryset:
            try:
                done = services.apply_decision(decision, by=request.user)
            except services.CatalogueError as error:
                self.message_user(request, f"{decision.number}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{decision.number}: {'; '.join(done)}",
                                  messages.SUCCESS)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdminMixin, AuditedModelAdmin):
    required_perm = Perm.MANAGE_AGENCY_CATALOGUE
    agency_field = "procedure__owner_agency"
    list_display = ("procedure", "number", "published_at", "decision")
    list_select_related = ("procedure", "decision")
    search_fields = ("procedure__national_code", "procedure__name")
    readonly_fields = ("procedure", "number", "decision", "published_at", "snapshot")
