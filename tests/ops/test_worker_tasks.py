"""A worker process knows every task the code sends or beat schedules (a fresh interpreter, as
the worker is): tasks defined outside ``<app>/tasks.py`` were once unknown to a real worker."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django_celery_beat.models import PeriodicTask

ROOT = Path(__file__).resolve().parents[2]
TASK_NAME = re.compile(r"@shared_task\(\s*name=[\"']([\w.]+)[\"']")


def declared_tasks() -> set[str]:
    """Every ``@shared_task(name=...)`` in the project's code."""
    names: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if any(part in {".venv", "tests", "node_modules"} for part in path.parts):
            continue
        names |= set(TASK_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def registered_in_a_fresh_worker(tmp_path: Path) -> set[str]:
    script = ("import django; django.setup(); from portal.celery import app; "
              "app.loader.import_default_modules(); print('\\n'.join(sorted(app.tasks)))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.development",
           "DVC_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return set(run.stdout.split())


def test_the_worker_registers_every_task(tmp_path, db):
    declared = declared_tasks()
    # the tasks of every area are found by the scan (a guard against a broken pattern)
    assert {"ops.ping", "dossiers.render_document", "dossiers.notify_applicant",
            "dossiers.sweep_deadlines", "notifications.send_delivery", "dvcqg.send_outbox",
            "reports.compute_index"} <= declared
    scheduled = set(PeriodicTask.objects.exclude(task="").values_list("task", flat=True))
    assert scheduled, "the data migrations schedule the periodic tasks"
    registered = registered_in_a_fresh_worker(tmp_path)
    assert declared - registered == set()
    assert scheduled - registered == set()
