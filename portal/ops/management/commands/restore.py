"""``manage.py restore BACKUP``: verify every checksum, then restore into an EMPTY database and
an EMPTY media folder (O1). See docs/operations.md for the step-by-step procedure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from portal.ops import backup


class Command(BaseCommand):
    help = ("Restore a backup folder made by `manage.py backup` into an empty database and an "
            "empty media folder, after verifying every checksum.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the backup folder (BACKUP_DIR/dvc-...)")
        parser.add_argument("--database", default="default")
        parser.add_argument("--media-root", default="",
                            help="where to put the media files (default MEDIA_ROOT)")
        parser.add_argument("--verify-only", action="store_true",
                            help="only check the checksums, restore nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["backup"])
        try:
            manifest = backup.verify(path)
            self.stdout.write(f"Checksums verified: {', '.join(sorted(manifest['files']))}.")
            if options["verify_only"]:
                return
            conn = connections[options["database"]]
            conn.close()
            backup.restore_backup(
                path, params=conn.settings_dict, vendor=conn.vendor,
                media_root=Path(options["media_root"] or settings.MEDIA_ROOT))
        except backup.RestoreError as exc:
            raise CommandError(str(exc)) from exc
        cache.clear()  # it held what was read from the database before: agency tree, counters
        self.stdout.write(self.style.SUCCESS(
            f"Restored the {manifest['engine']} backup of {manifest['created']} "
            f"({manifest['media_files']} media files)."))
        missing = backup.applied_migration_differences(manifest)
        if missing:
            self.stdout.write(f"The code has {len(missing)} migrations the backup had not "
                              f"applied; run `manage.py migrate` next.")
