"""``manage.py check_translations``: fail when a UI string has no Vietnamese translation.

Three checks: the catalogue holds every string the code marks for translation (makemessages is
run on a copy), none of its entries is untranslated or fuzzy, and the compiled ``.mo`` matches it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _ids(po: polib.POFile) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}


class Command(BaseCommand):
    help = "Fail on UI strings without a Vietnamese translation or a stale compiled catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--locale", default="vi")

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = Path(settings.LOCALE_PATHS[0]) / options["locale"] / "LC_MESSAGES"
        po_path, mo_path = locale_dir / "django.po", locale_dir / "django.mo"
        if not po_path.exists() or not mo_path.exists():
            raise CommandError(f"{po_path} or {mo_path} is missing; run `make messages`.")
        problems: list[str] = []

        committed = polib.pofile(str(po_path))
        backup = Path(tempfile.mkdtemp()) / "django.po"
        shutil.copy2(po_path, backup)
        try:
            call_command("makemessages", locale=[options["locale"]], no_obsolete=True,
                         no_location=True, ignore_patterns=[".venv", "var", "node_modules"],
                         verbosity=0)
            fresh = polib.pofile(str(po_path))
        finally:
            shutil.copy2(backup, po_path)
        for ctx, msgid in sorted(_ids(fresh) - _ids(committed)):
            problems.append(f"not in the catalogue: {msgid!r}" + (f" ({ctx})" if ctx else ""))

        in_code = _ids(fresh)
        for entry in committed:
            if entry.obsolete or (entry.msgctxt or "", entry.msgid) not in in_code:
                continue  # an entry no code uses any more: harmless, dropped by `make messages`
            if "fuzzy" in entry.flags:
                problems.append(f"fuzzy: {entry.msgid!r}")
            elif not entry.translated():
                problems.append(f"untranslated: {entry.msgid!r}")

        compiled = {(e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
                    for e in polib.mofile(str(mo_path))}
        for entry in committed.translated_entries():
            key = (entry.msgctxt or "", entry.msgid)
            want = entry.msgstr or entry.msgstr_plural.get(0, "")
            if compiled.get(key) != want:
                problems.append(f"stale django.mo for {entry.msgid!r}; run `make messages`")
                break

        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} translation problems.")
        self.stdout.write(self.style.SUCCESS(
            f"{len(committed.translated_entries())} strings, all translated."))
