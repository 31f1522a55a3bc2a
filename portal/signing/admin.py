"""Operators see the certificate authorities and the officers' signing certificates, and may
revoke a certificate (keys are never shown; certificates are issued by ``create_test_ca`` in
demo, by the province's CA in production)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.admin import AuditedModelAdmin
from portal.audit.services import Action, record

from .models import CertificateAuthority, SigningCertificate


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(AuditedModelAdmin):
    list_display = ("name", "is_test", "trusted", "created_at")
    fields = ("name", "certificate_pem", "is_test", "trusted")
    readonly_fields = ("name", "certificate_pem", "is_test")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SigningCertificate)
class SigningCertificateAdmin(AuditedModelAdmin):
    list_display = ("subject", "agency", "not_before", "not_after", "revoked_at")
    list_filter = ("authority",)
    search_fields = ("subject", "serial", "user__username")
    fields = ("user", "agency", "authority", "subject", "serial", "certificate_pem",
              "personal_passphrase", "not_before", "not_after", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke the selected certificates"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[SigningCertificate]) -> None:
        now = timezone.now()
        for cert in queryset.filter(revoked_at__isnull=True):
            cert.revoked_at = now
            cert.save(update_fields=["revoked_at"])
            record(Action.UPDATE, request=request, obj=cert, changes={"revoked_at": str(now)})
        messages.success(request, _("The certificates were revoked."))
