from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DvcqgConfig(AppConfig):
    """Sync with the National Public Service Portal (I1, I2): outbox, client, inbound APIs."""

    name = "portal.dvcqg"
    label = "dvcqg"
    verbose_name = _("National Public Service Portal")
    default_auto_field = "django.db.models.BigAutoField"
