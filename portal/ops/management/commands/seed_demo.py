"""``manage.py seed_demo``: load the demo province, agencies and one account per role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.roles import Role
from portal.ops import demo


class Command(BaseCommand):
    help = "Load the demo province, its agencies and one account per role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset-passwords", action="store_true",
                            help="Set every demo account's password back to the demo password.")
        parser.add_argument("--allow-production", action="store_true",
                            help="Allow seeding under production settings (never live).")
        parser.add_argument("--quiet-accounts", action="store_true",
                            help="Do not print the account table.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
            raise CommandError("Refusing to load demo accounts on a production system; "
                               "pass --allow-production if this really is a demo system.")
        translation.activate(settings.LANGUAGE_CODE)
        accounts = demo.seed(reset_passwords=options["reset_passwords"])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if options["quiet_accounts"]:
            return
        self.stdout.write(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for account in accounts:
            where = f" — {account.agency_code}" if account.agency_code else ""
            lead = (" (" + _("head of %(unit)s") % {"unit": account.unit} + ")"
                    if account.leads_unit else "")
            self.stdout.write(f"  {account.username:<20} {Role(account.role).label}{lead}{where}")
