"""``manage.py export_catalogue OUT.xlsx``: the procedures catalogue as an Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.excel import export_catalogue
from procedures.models import Procedure


class Command(BaseCommand):
    help = "Export the procedures catalogue as an .xlsx workbook (national database shape)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="Path of the .xlsx file to write.")
        parser.add_argument("--agency", help="Only procedures managed by this agency code.")

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Procedure.objects.all()
        if options["agency"]:
            queryset = queryset.filter(owner_agency__code=options["agency"].upper())
        out = Path(options["out"])
        try:
            out.write_bytes(export_catalogue(queryset))
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{queryset.count()} procedure(s) written to {out}."))
