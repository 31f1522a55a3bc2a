"""``manage.py create_test_ca``: the test certificate authority and a signing certificate for
every agency leader who has none in force (demo and tests; never for production keys)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.signing.demo import seed_signing, test_authority


class Command(BaseCommand):
    help = "Create the test certificate authority and certificates for the agency leaders."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            authority = test_authority()
            issued = seed_signing()
        self.stdout.write(f"CA: {authority.name}")
        for line in issued:
            self.stdout.write(f"issued {line}")
        self.stdout.write(f"{len(issued)} certificate(s) issued.")
