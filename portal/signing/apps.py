from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    """Digital signatures of results (D7, TG 16.4): officers' certificates, PAdES signing and
    validation."""

    name = "portal.signing"
    label = "signing"
    verbose_name = _("Digital signatures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.ops import digest
        from portal.ops.demo import SEEDERS

        from .demo import seed_signing
        from .selectors import expiring_certificates

        if seed_signing not in SEEDERS:
            SEEDERS.append(seed_signing)
        digest.register("Signing certificates expiring within 30 days", expiring_certificates)
