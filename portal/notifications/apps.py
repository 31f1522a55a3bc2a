from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications (D10): e-mail, SMS and in-app messages with a delivery log."""

    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The business apps plug in from their own ready() (dossier messages through
        # dossiers.hooks, answers to incoming SMS through inbound.register): the core never
        # imports them. The operators' daily digest lists the notifications that failed (O3).
        from django.utils.translation import gettext_noop

        from portal.ops import digest

        from .digest import failed_notifications

        digest.register(gettext_noop("Failed notifications"), failed_notifications)

        from portal.ops.demo import SEEDERS

        from .demo import seed_notifications

        if seed_notifications not in SEEDERS:
            SEEDERS.append(seed_notifications)
