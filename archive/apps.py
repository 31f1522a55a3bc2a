"""Archive (H1-H2, Circular 13/2023/TT-BNV) and the citizen's data warehouse (D9)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        from dossiers.hooks import on_event

        from .services import on_dossier_event

        on_event("archive.warehouse", on_dossier_event)
