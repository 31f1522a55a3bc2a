"""Beat reads its schedules from the database (django-celery-beat) and a real worker runs what
it sends, over Redis, against PostgreSQL: CI's second pass. (The embedded default runs the same
pair on the filesystem transport in ``make run``; its in-memory test database cannot be shared
with another process, hence the skip on the first pass.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal.ops.models import Heartbeat

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_beat_sends_a_database_schedule_that_a_real_worker_runs(tmp_path):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL + Redis shared with the subprocesses (CI's second pass)")
    PeriodicTask.objects.update(enabled=False)  # only the schedule under test
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="test: heartbeat every 2 s", task="ops.heartbeat",
                                interval=every)
    assert not Heartbeat.objects.exists()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.development",
           "DVC_VAR_DIR": str(tmp_path), "DATABASE_URL": _database_url(),
           "REDIS_URL": settings.REDIS_URL}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--beat", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
         "-s", str(tmp_path / "beat-schedule"), "-n", f"beat-test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not Heartbeat.objects.filter(
                name="worker").exists():
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            time.sleep(0.5)
        assert Heartbeat.objects.filter(name="worker").exists(), "beat sent nothing in 90 s"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
