"""A worker process knows every task the code sends (a fresh interpreter, as the worker is)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SENT_BY_THE_CODE = {"ops.ping", "dossiers.render_document", "dossiers.notify_applicant",
                    "dossiers.sms_applicant", "dossiers.close_overdue_incomplete"}


def test_the_worker_registers_every_task(tmp_path):
    script = ("import django; django.setup(); from portal.celery import app; "
              "app.loader.import_default_modules(); print('\\n'.join(sorted(app.tasks)))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.development",
           "DVC_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    assert set(run.stdout.split()) >= SENT_BY_THE_CODE
