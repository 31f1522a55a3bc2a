"""``manage.py backup``: database dump + media + manifest into BACKUP_DIR, then rotation (O1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.ops import services
from portal.ops.models import BackupRun


class Command(BaseCommand):
    help = ("Back up the database and the media files into BACKUP_DIR (checksummed manifest), "
            "then delete the backups the rotation no longer keeps.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        run = services.run_backup(trigger="command", alias=options["database"])
        if run.status != BackupRun.Status.SUCCEEDED:
            raise CommandError(f"Backup failed: {run.error}")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {run.path} ({run.size} bytes)."))
