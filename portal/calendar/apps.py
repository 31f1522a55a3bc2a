"""The legal working-time calendar (W1-W3) behind every deadline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.calendar"
    label = "workcalendar"
    verbose_name = _("Working-time calendar")
