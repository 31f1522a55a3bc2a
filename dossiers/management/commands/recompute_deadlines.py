"""``manage.py recompute_deadlines``: rebuild open dossiers' deadlines after a calendar change."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dossiers.models import Dossier
from dossiers.services import recompute_deadlines
from dossiers.states import FINAL, State


class Command(BaseCommand):
    help = "Recompute the deadlines of every open dossier from its recorded instants."

    def handle(self, *args: Any, **options: Any) -> None:
        open_dossiers = (Dossier.objects.exclude(state__in=[*FINAL, State.DRAFT])
                         .select_related("procedure", "receiving_agency"))
        changed = total = 0
        for dossier in open_dossiers.iterator(chunk_size=500):
            total += 1
            changed += recompute_deadlines(dossier)
        self.stdout.write(f"{changed} of {total} open dossiers changed.")
