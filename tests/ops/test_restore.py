"""``manage.py restore BACKUP`` (O1) refuses before touching anything: a damaged backup (any
checksum), a database or media folder that is not empty, a backup of the other engine."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.ops import backup
from portal.ops.services import run_backup

# SQLite copies only a database no open transaction is writing to: outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "sqlite")


@pytest.fixture
def made(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    return Path(run_backup().path)


def _empty_target(tmp_path) -> dict:
    return {**connection.settings_dict, "NAME": str(tmp_path / "empty.sqlite3")}


def test_a_damaged_backup_is_refused_and_nothing_is_restored(made, tmp_path):
    media_tar = made / "media.tar"
    data = bytearray(media_tar.read_bytes())
    data[600] ^= 0xFF  # one flipped byte
    media_tar.write_bytes(bytes(data))
    target = tmp_path / "new-media"
    with pytest.raises(backup.RestoreError, match=r"media\.tar: SHA-256 does not match"):
        backup.restore_backup(made, params=_empty_target(tmp_path), vendor=connection.vendor,
                              media_root=target)
    assert not target.exists()
    assert not (tmp_path / "empty.sqlite3").exists()
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(made), "--verify-only")


def test_a_missing_file_or_a_changed_size_is_refused(made):
    manifest = json.loads((made / "manifest.json").read_text())
    db_file = next(n for n in manifest["files"] if n.startswith("database"))
    with (made / db_file).open("ab") as fh:
        fh.write(b"x")
    (made / "media.tar").unlink()
    with pytest.raises(backup.RestoreError) as refused:
        backup.verify(made)
    assert "media.tar: missing" in str(refused.value)
    assert f"{db_file}: " in str(refused.value) and "the manifest says" in str(refused.value)


def test_verify_only_checks_the_checksums(made, capsys):
    call_command("restore", str(made), "--verify-only")
    assert "Checksums verified" in capsys.readouterr().out


def test_restore_refuses_a_database_that_is_not_empty(made, tmp_path):
    if connection.vendor == "postgresql":
        params = connection.settings_dict  # the test database itself holds every table
        how = "createdb -T template0"
    else:
        params = _empty_target(tmp_path)
        used = sqlite3.connect(params["NAME"])
        used.execute("CREATE TABLE t (x int)")
        used.close()
        how = "move the old file aside"
    with pytest.raises(backup.RestoreError, match="is not empty") as refused:
        backup.restore_backup(made, params=params, vendor=connection.vendor,
                              media_root=tmp_path / "new-media")
    assert how in str(refused.value)
    # the command restores into the configured database: the (non-empty or in-memory) test one
    with pytest.raises(CommandError, match=r"is not empty|in-memory"):
        call_command("restore", str(made), "--media-root", str(tmp_path / "new-media"))
    assert not (tmp_path / "new-media").exists()


def test_restore_refuses_a_media_folder_that_is_not_empty(made, tmp_path):
    with pytest.raises(backup.RestoreError, match=r"media folder .* is not empty"):
        backup.restore_backup(made, params=_empty_target(tmp_path), vendor=connection.vendor,
                              media_root=tmp_path / "media")


def test_restore_refuses_a_backup_of_the_other_engine(made, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    with pytest.raises(backup.RestoreError, match="This backup is of a"):
        backup.restore_backup(made, params=_empty_target(tmp_path), vendor=other,
                              media_root=tmp_path / "new-media")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file restore")
def test_sqlite_restore_into_a_new_file(made, tmp_path):
    target = tmp_path / "restored.sqlite3"
    backup.restore_backup(made, params={**connection.settings_dict, "NAME": str(target)},
                          vendor="sqlite", media_root=tmp_path / "new-media")
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 10
    finally:
        conn.close()
    assert (tmp_path / "new-media" / "a.pdf").read_bytes() == b"%PDF-1.4 a"
