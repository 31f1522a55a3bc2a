"""Operations (U6, O1-O3): demo data, the embedded runner, backups, health, maintenance notices,
support requests, the daily digest."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import digest, metrics  # noqa: F401  (metrics registers its collector)

        digest.register_defaults()
