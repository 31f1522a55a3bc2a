"""``manage.py backup`` (O1): one complete folder with a checksummed manifest, written atomically,
rotated (N daily, M monthly), recorded for operators, a failure alerted by e-mail, scheduled
daily by beat."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django_celery_beat.models import PeriodicTask

from portal.accounts.roles import Role
from portal.ops import backup, tasks
from portal.ops.models import BackupRun
from portal.ops.services import run_backup
from tests.factories import AgencyFactory, officer

# SQLite copies only a database no open transaction is writing to: outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "sqlite")


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    (tmp_path / "media" / "dossiers" / "2026").mkdir(parents=True)
    (tmp_path / "media" / "dossiers" / "2026" / "cccd.pdf").write_bytes(b"%PDF-1.4 scan")
    (tmp_path / "media" / "decisions.pdf").write_bytes(b"%PDF-1.4 decision")


def test_a_backup_is_one_complete_folder_with_checksums(settings):
    run = run_backup()
    assert run.status == BackupRun.Status.SUCCEEDED and run.finished_at
    folder = Path(run.path)
    assert folder.parent == settings.BACKUP_DIR and folder.name.startswith("dvc-")
    manifest = json.loads((folder / "manifest.json").read_text())
    db_file = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert set(manifest["files"]) == {db_file, "media.tar"}
    for name, meta in manifest["files"].items():
        assert (folder / name).stat().st_size == meta["size"]
        assert backup.sha256(folder / name) == meta["sha256"]
    assert manifest["engine"] == connection.vendor
    assert manifest["media_files"] == 2
    assert "0001_initial" in manifest["django_migrations"]["ops"]
    assert run.size == sum(m["size"] for m in manifest["files"].values())
    # nothing half-written is left next to it
    assert [p.name for p in settings.BACKUP_DIR.iterdir()] == [folder.name]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_the_command_reports_the_folder(capsys):
    call_command("backup")
    assert "Backup written to" in capsys.readouterr().out
    assert BackupRun.objects.get().trigger == "command"


def test_a_failed_backup_is_recorded_and_operators_get_an_email(
        monkeypatch, django_capture_on_commit_callbacks):
    operator = officer(AgencyFactory(), Role.OPERATOR, email="vanhanh@example.vn")

    def broken(**kwargs):
        raise backup.BackupError("pg_dump failed (exit 1): disk full")

    monkeypatch.setattr(backup, "create_backup", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_backup(trigger="beat")
    assert run.status == BackupRun.Status.FAILED
    assert "disk full" in run.error
    sent = [m for m in mail.outbox if operator.email in m.to]
    assert sent and "disk full" in sent[0].body
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup")


def test_a_run_killed_halfway_leaves_no_backup_and_is_cleaned_later(settings):
    settings.BACKUP_DIR.mkdir(parents=True)
    leftover = settings.BACKUP_DIR / ".tmp-killed"
    leftover.mkdir()
    (leftover / "database.dump").write_bytes(b"half")
    assert backup.list_backups() == []
    old = time.time() - backup.STALE_TMP_SECONDS - 60
    os.utime(leftover, (old, old))
    BackupRun.objects.create(started_at=datetime.now(UTC) - timedelta(days=1))
    run = run_backup()
    assert not leftover.exists()
    assert [b.path for b in backup.list_backups()] == [Path(run.path)]
    interrupted = BackupRun.objects.exclude(pk=run.pk).get()
    assert interrupted.status == BackupRun.Status.FAILED


def _fake(folder: Path, created: datetime) -> Path:
    path = folder / ("dvc-" + created.strftime(backup.NAME_FORMAT))
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps(
        {"format": 1, "created": created.isoformat(), "engine": "sqlite", "files": {}}))
    return path


def test_rotation_keeps_n_daily_and_m_monthly(settings):
    folder = settings.BACKUP_DIR
    start = datetime(2026, 1, 1, 19, 0, tzinfo=UTC)  # 02:00 in Vietnam the next day
    made = [_fake(folder, start + timedelta(days=d)) for d in range(120)]
    extra = _fake(folder, start + timedelta(days=119, hours=2))  # a second one on the last day
    removed = backup.rotate(keep_daily=7, keep_monthly=3)
    kept = {b.path for b in backup.list_backups()}
    # the newest of each of the last 7 days; the second one of the last day replaced the first
    assert extra in kept and made[-1] not in kept
    assert set(made[-7:-1]) <= kept
    # the newest of each of the last 3 months (Jan and Feb 2026 Vietnam time are gone)
    month_ends = {p for p in kept if p not in made[-7:] and p != extra}
    assert {p.name[:10] for p in month_ends} == {"dvc-202603"}
    assert len(kept) == 7 + 1
    assert len(removed) == 121 - len(kept)


@pytest.mark.django_db(transaction=False)
def test_the_backup_runs_daily_from_beat():
    task = PeriodicTask.objects.get(task="ops.backup")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour) == ("30", "1")
    assert PeriodicTask.objects.get(task="ops.heartbeat").interval.every == 1
    assert PeriodicTask.objects.get(task="ops.daily_digest").crontab.hour == "7"


def test_the_task_records_its_run():
    result = tasks.backup.delay().get()
    assert result["status"] == BackupRun.Status.SUCCEEDED
    assert BackupRun.objects.get().trigger == "beat"
