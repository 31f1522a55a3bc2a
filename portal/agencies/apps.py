"""Agencies and the province configuration (A1-A3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.agencies"
    label = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import tree
        from .models import Agency

        def changed(sender: type, **kwargs: object) -> None:
            tree.forget()

        post_save.connect(changed, sender=Agency, weak=False,
                          dispatch_uid="agencies.tree.save")
        post_delete.connect(changed, sender=Agency, weak=False,
                            dispatch_uid="agencies.tree.delete")
