"""``manage.py load_calendar``: load a year of the working calendar (W1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.calendar.services import CalendarFileError, load_defaults, load_year


class Command(BaseCommand):
    help = (
        "Load one year of days off and swapped working days from a JSON file (format: "
        "docs/calendar.md), replacing the days imported for that year before. Idempotent. "
        "--from-package YEAR copies the default calendar of YEAR instead, for editing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Path of the year file (JSON).")
        parser.add_argument(
            "--from-package", type=int, metavar="YEAR",
            help="Copy YEAR from the holidays package into the database.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, year = options["file"], options["from_package"]
        if (path is None) == (year is None):
            raise CommandError("give either a FILE or --from-package YEAR")
        if year is not None:
            if not 1900 <= year <= 2200:
                raise CommandError(f"--from-package: {year} is not a year (1900-2200)")
            report = load_defaults(year)
        else:
            try:
                report = load_year(self._read(Path(path)), loaded_from=str(path))
            except CalendarFileError as exc:
                problems = "\n".join(f"  - {error}" for error in exc.errors)
                raise CommandError(f"{path}: cannot load the year file:\n{problems}") from None
        self.stdout.write(str(report))

    @staticmethod
    def _read(path: Path) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
