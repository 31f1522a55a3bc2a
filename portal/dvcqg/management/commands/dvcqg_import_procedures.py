"""``manage.py dvcqg_import_procedures --agency <e-ID>``: draft procedures from the national
catalogue (LayDanhSachTTHC / LayThuTuc), idempotent by national code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.agencies.models import Agency
from portal.dvcqg.catalogue import import_procedures
from portal.dvcqg.client import DvcqgError


class Command(BaseCommand):
    help = "Import the national procedure catalogue into draft procedures (by MaTTHC)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True,
                            help="e-ID of the agency that will manage the imported drafts")
        parser.add_argument("codes", nargs="*", help="only these national codes")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency {options['agency']}")
        try:
            report = import_procedures(agency, codes=options["codes"] or None)
        except DvcqgError as error:
            raise CommandError(f"national portal: {error}") from error
        self.stdout.write(f"created {len(report.created)} draft procedure(s): "
                          f"{', '.join(report.created) or '—'}")
        self.stdout.write(f"already known: {len(report.existing)}")
        for code, reason in report.failed.items():
            self.stderr.write(f"{code}: {reason}")
