"""Archive (H1-H2): archiving settled e-dossiers under Circular 13/2023/TT-BNV."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = _("Archive")
