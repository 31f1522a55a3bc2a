"""Digital signatures of results (D7, TG 16.4; LEGAL-NOTES §3 "electronic results are digitally
signed"): the province's certificate authority and the officers' signing certificates.

Private keys are kept only as PKCS#12 archives encrypted with a passphrase (the deployment's
``SIGNING_KEY_PASSPHRASE`` unless the certificate was issued with the officer's own passphrase);
the database alone never yields a usable key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CertificateAuthority(models.Model):
    """A certificate authority whose certificates the portal trusts when validating results
    (the province's CA; in demo and tests a generated test CA)."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    key_pkcs12 = models.BinaryField(_("encrypted key (PKCS#12)"), blank=True, editable=False)
    is_test = models.BooleanField(_("test authority"), default=False)
    trusted = models.BooleanField(
        _("trusted"), default=True,
        help_text=_("Signatures chaining to a trusted authority are shown as trusted."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")

    def __str__(self) -> str:
        return self.name


class SigningCertificateQuerySet(models.QuerySet["SigningCertificate"]):
    def valid(self, at: object = None) -> SigningCertificateQuerySet:
        """Not revoked and within its validity period at ``at`` (default: now)."""
        moment = at or timezone.now()
        return self.filter(revoked_at__isnull=True, not_before__lte=moment,
                           not_after__gt=moment)


class SigningCertificate(models.Model):
    """An officer's signing certificate for one agency (the leader who signs results)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="signing_certificates", verbose_name=_("officer"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="signing_certificates", verbose_name=_("agency"))
    authority = models.ForeignKey(CertificateAuthority, on_delete=models.PROTECT,
                                  related_name="certificates",
                                  verbose_name=_("certificate authority"))
    subject = models.CharField(_("subject"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=64)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    key_pkcs12 = models.BinaryField(_("encrypted key (PKCS#12)"), editable=False)
    personal_passphrase = models.BooleanField(
        _("protected by the officer's own passphrase"), default=False,
        help_text=_("The officer types the passphrase each time they sign."))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SigningCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-not_after"]
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        indexes = [models.Index(fields=["user", "agency", "not_after"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and self.not_before <= now < self.not_after
