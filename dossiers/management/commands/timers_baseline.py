"""Flag every deadline already past or within the warning threshold as handled, without a
message: run once when the deadline timers are switched on for a database that already holds
open dossiers, so that leaders do not receive one message per old overdue dossier."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dossiers import timers


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        agencies = timers._agency_ids()
        until = timers.horizon(now)
        counts = {
            "intake warned": timers.intake_due_soon(now, until, agencies).update(
                intake_warned_at=now),
            "intake overdue": timers.intake_overdue(now, agencies).update(overdue_at=now),
            "result overdue": sum(timers.result_overdue(now, agencies, state).update(
                overdue_at=now) for state in timers.RUNNING),
            "steps warned": timers.steps_due_soon(now, until).update(warned_at=now),
            "steps overdue": timers.steps_overdue(now).update(overdue_at=now),
        }
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
