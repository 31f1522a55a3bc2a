"""Dossiers (D1-D11): submission, intake, processing, results, lookup."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import queue_versions
        from .models import DossierStep

        def step_changed(sender: type, instance: DossierStep, **kwargs: object) -> None:
            queue_versions.bump(instance.agency_id)

        # the processing queue's cached counters (dossiers.queue_versions)
        post_save.connect(step_changed, sender=DossierStep, weak=False,
                          dispatch_uid="dossiers.queue_versions.save")
        post_delete.connect(step_changed, sender=DossierStep, weak=False,
                            dispatch_uid="dossiers.queue_versions.delete")

        # The applicant's message is written in the transition's own transaction (a dossier
        # event handler), like the outbox: a committed transition never misses its message.
        from portal.notifications import inbound

        from .hooks import on_event
        from .notifications import write_applicant_messages
        from .sms_lookup import KEYWORD, USAGE, answer_for

        on_event("notifications.applicant", write_applicant_messages)
        # "HS <dossier code>" sent to the province's short number (TN 12.6.c)
        inbound.register(KEYWORD, answer_for, usage=USAGE)
