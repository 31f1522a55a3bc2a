"""Procedures catalogue (P1-P6): procedures, publication decisions, e-forms, internal processes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self) -> None:
        # The demo command of the core runs the catalogue's seeder too (core never imports us).
        from portal.ops.demo import SEEDERS

        from .demo import seed_catalogue

        if seed_catalogue not in SEEDERS:
            SEEDERS.append(seed_catalogue)
