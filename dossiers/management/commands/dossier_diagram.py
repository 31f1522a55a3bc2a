"""``manage.py dossier_diagram [--check]``: write docs/dossier-states.md from the transitions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dossiers.diagram import document


class Command(BaseCommand):
    help = "Generate the state-machine diagram of dossiers into docs/dossier-states.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Fail when the committed diagram is out of date.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(settings.BASE_DIR) / "docs" / "dossier-states.md"
        text = document()
        if options["check"]:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError("docs/dossier-states.md is out of date; run dossier_diagram.")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
