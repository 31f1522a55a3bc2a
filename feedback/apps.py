"""Feedback and evaluation (K1-K4): citizens' feedback, satisfaction surveys, the 766 index."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("Feedback and evaluation")

    def ready(self) -> None:
        from dossiers.hooks import on_event
        from portal.ops.demo import SEEDERS

        from .demo import seed_feedback
        from .surveys import on_dossier_event

        on_event("survey", on_dossier_event)
        if seed_feedback not in SEEDERS:
            SEEDERS.append(seed_feedback)
