"""Periodic tasks scheduled by data migrations (django-celery-beat), editable by operators in
the admin afterwards; one helper instead of a copy in each app's migration.

A migration must use the historical models of its point in the migration graph, so the
functions take the ``apps`` that ``RunPython`` passes and never import
``django_celery_beat.models``. :func:`create` leaves a task that exists already by name as it is
(an operator's edit survives a re-run); :func:`delete`, the reverse, removes the tasks by task
name. A migration keeps its own module-level ``forwards``/``backwards`` calling them, so that it
stays serialisable (``squashmigrations``)::

    TASKS = [Every("Gửi lại thông báo đến hạn", "notifications.send_due", minutes=1)]

    def forwards(apps, schema_editor):
        beat_schedules.create(apps, TASKS)

    def backwards(apps, schema_editor):
        beat_schedules.delete(apps, TASKS)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps.registry import Apps

#: Crontabs run in the province's local time (a literal: a migration does not read settings).
TIME_ZONE = "Asia/Ho_Chi_Minh"


def _model(apps: Apps, name: str) -> Any:
    return apps.get_model("django_celery_beat", name)


@dataclass(frozen=True)
class Every:
    """Task ``task`` named ``name``, run every ``minutes`` minutes."""

    name: str
    task: str
    minutes: int

    def schedule(self, apps: Apps) -> dict[str, Any]:
        every, _ = _model(apps, "IntervalSchedule").objects.get_or_create(
            every=self.minutes, period="minutes")
        return {"interval": every}


@dataclass(frozen=True)
class Cron:
    """Task ``task`` named ``name``, run at ``hour``:``minute`` local time (crontab fields)
    every day, or on ``day_of_month`` only."""

    name: str
    task: str
    minute: str
    hour: str
    day_of_month: str = "*"

    def schedule(self, apps: Apps) -> dict[str, Any]:
        crontab, _ = _model(apps, "CrontabSchedule").objects.get_or_create(
            minute=self.minute, hour=self.hour, day_of_week="*", day_of_month=self.day_of_month,
            month_of_year="*", timezone=TIME_ZONE)
        return {"crontab": crontab}


def create(apps: Apps, tasks: Iterable[Every | Cron]) -> None:
    """Create each task's schedule (shared with other tasks) and the task, unless one with its
    name exists."""
    periodic_task = _model(apps, "PeriodicTask")
    for t in tasks:
        periodic_task.objects.get_or_create(
            name=t.name, defaults={"task": t.task, **t.schedule(apps)})


def delete(apps: Apps, tasks: Iterable[Every | Cron]) -> None:
    """Delete every periodic task running one of ``tasks``' task names (schedules stay)."""
    _model(apps, "PeriodicTask").objects.filter(task__in=[t.task for t in tasks]).delete()
