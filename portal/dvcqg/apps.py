from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DvcqgConfig(AppConfig):
    """Sync with the National Public Service Portal (I1, I2): outbox, client, inbound APIs."""

    name = "portal.dvcqg"
    label = "dvcqg"
    verbose_name = _("National Public Service Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dossiers.hooks import on_event

        from .outbox import on_dossier_event

        # Every dossier event the portal must know is written in the transition's transaction.
        on_event("dvcqg", on_dossier_event)
        from .selectors import digest_lines, outbox_lag_seconds

        try:
            from portal.ops import digest
        except ImportError:  # pragma: no cover - the ops digest is optional
            pass
        else:
            digest.register("Failed syncs to the National Public Service Portal", digest_lines)
        try:
            from portal.ops import metrics
        except ImportError:  # pragma: no cover - the ops metrics are optional
            pass
        else:
            # Prometheus: age of the oldest event not acknowledged by the portal yet.
            metrics.register_lag("dvcqg", outbox_lag_seconds)
