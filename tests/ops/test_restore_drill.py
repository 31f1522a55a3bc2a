"""The restore drill (O1): build data, back up, restore into a fresh database and an empty media
folder, then compare every table (row count and a checksum of all its rows) and every media
file. Runs on both CI passes: SQLite (backup API from the live in-memory test database, restore
into a new file) and PostgreSQL (pg_dump, then pg_restore into a new database the test creates).
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from dossiers import services
from dossiers.models import Dossier, DossierDocument, DossierFile
from portal.audit.services import record
from portal.ops import backup
from portal.ops.models import BackupRun
from portal.ops.services import run_backup
from tests.dossiers.test_citizen_submission import complete_draft, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                       "ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def table_digests(cursor: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 over the sorted text of every row, for every table; on PostgreSQL
    the sequences' positions too (a restored database must hand out the same next ids)."""
    digests: dict[str, tuple[int, str]] = {}
    for table in _tables(cursor, vendor):
        if vendor == "postgresql":
            cursor.execute(f'SELECT t::text AS r FROM "{table}" t ORDER BY r')
        else:
            cursor.execute(f'PRAGMA table_info("{table}")')
            columns = [row[1] for row in cursor.fetchall()]
            row_text = " || ',' || ".join(f'quote("{c}")' for c in columns)
            cursor.execute(f'SELECT {row_text} AS r FROM "{table}" ORDER BY r')
        rows = [row[0] for row in cursor.fetchall()]
        digests[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    if vendor == "postgresql":
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences "
                       "WHERE schemaname = 'public'")
        for name, last in cursor.fetchall():
            digests[f"sequence {name}"] = (int(last or 0), "")
    return digests


def media_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def fresh_target(tmp_path) -> Iterator[dict[str, Any]]:
    """Settings of an empty database that is not the test database."""
    params = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        import psycopg

        name = f"{params['NAME']}_drill_{uuid.uuid4().hex[:8]}"
        admin = backup._pg_conninfo({**params, "NAME": "postgres"})
        with psycopg.connect(**admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        params["NAME"] = name
        try:
            yield params
        finally:
            with psycopg.connect(**admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        params["NAME"] = str(tmp_path / "restored.sqlite3")
        yield params


def _restored_digests(params: dict[str, Any]) -> dict[str, tuple[int, str]]:
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(**backup._pg_conninfo(params)) as conn, conn.cursor() as cursor:
            return table_digests(cursor, "postgresql")
    conn = sqlite3.connect(params["NAME"])
    try:
        return table_digests(conn.cursor(), "sqlite")
    finally:
        conn.close()


def _restored_runs(params: dict[str, Any]) -> list[tuple[str, str, str]]:
    sql = "SELECT status, path, engine FROM ops_backuprun WHERE finished_at IS NOT NULL"
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(**backup._pg_conninfo(params)) as conn:
            return [tuple(row) for row in conn.execute(sql).fetchall()]
    conn = sqlite3.connect(params["NAME"])
    try:
        return [tuple(row) for row in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def build_data() -> None:
    """Procedures, dossiers with uploaded files and an issued receipt (a rendered PDF), audit
    rows."""
    world = make_world()
    for n in range(3):
        dossier = complete_draft(world)
        services.submit(dossier, by=world.citizen)
        if n == 0:
            services.accept(Dossier.objects.get(pk=dossier.pk), by=world.clerk)
    record("ops.drill", actor=world.clerk, message="dữ liệu diễn tập khôi phục — Hạc Thành")


def test_restore_drill_gives_identical_tables_and_media(settings, tmp_path, fresh_target):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    build_data()
    assert DossierFile.objects.count() == 6
    assert DossierDocument.objects.exclude(file="").exists()  # the receipt PDF was rendered

    run = run_backup(trigger="drill")
    assert run.status == BackupRun.Status.SUCCEEDED, run.error
    with connection.cursor() as cursor:
        source = table_digests(cursor, connection.vendor)
    source_media = media_digests(settings.MEDIA_ROOT)
    assert len(source_media) >= 7  # six uploads and the receipt

    restored_media = tmp_path / "restored-media"
    manifest = backup.restore_backup(Path(run.path), params=fresh_target,
                                     vendor=connection.vendor, media_root=restored_media)

    assert manifest["media_files"] == len(source_media)
    restored = _restored_digests(fresh_target)
    # The drill's own BackupRun row was still "running" when the dump was taken; the restore
    # records it as the succeeded backup it restored from: the one expected difference.
    assert restored.pop("ops_backuprun")[0] == source.pop("ops_backuprun")[0] == 1
    assert _restored_runs(fresh_target) == [("succeeded", str(Path(run.path)),
                                             connection.vendor)]
    assert set(restored) == set(source)
    differing = sorted(t for t in source if source[t] != restored[t])
    assert differing == []
    assert source["dossiers_dossier"][0] == 3
    assert source["audit_auditentry"][0] >= 1
    assert media_digests(restored_media) == source_media
