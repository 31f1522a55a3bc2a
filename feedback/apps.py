"""Feedback and evaluation (K1-K4): citizens' feedback, satisfaction surveys, the 766 index."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("Feedback and evaluation")
