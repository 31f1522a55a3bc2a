"""``manage.py import_catalogue FILE.xlsx [--dry-run]``: create or update procedures by national
code from a catalogue workbook; nothing is written when any row has an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.excel import UNCHANGED, import_catalogue


class Command(BaseCommand):
    help = "Import the procedures catalogue from an .xlsx workbook (idempotent by national code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .xlsx workbook to read.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only report what would change; write nothing.")
        parser.add_argument("--user", help="Username recorded in the audit log as the importer.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"No user named {options['user']}")
        report = import_catalogue(path, dry_run=options["dry_run"], by=by)
        for row in report.rows:
            if row.action == UNCHANGED:
                continue
            changed = "; ".join(f"{h}: {old!r} → {new!r}" for h, (old, new) in row.changes.items())
            self.stdout.write(f"  row {row.row} {row.national_code} {row.action_label}: {changed}")
        if report.errors:
            for error in report.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
