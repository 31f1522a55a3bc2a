"""Daily backups and verified restores (O1; Thanh Hóa Decision 15/2022 Art. 18.2.d as amended by
Decision 17/2024: "back up the data every day, never lose any data").

A backup is one folder ``BACKUP_DIR/dvc-YYYYmmddTHHMMSSZ/`` holding

* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``: one consistent snapshot) or
  ``database.sqlite3`` (embedded mode, SQLite's online backup API from the live connection),
* ``media.tar``: every file under ``MEDIA_ROOT`` (uploads, issued documents, results),
* ``manifest.json``: when, which engine, the applied Django migrations, and the size and SHA-256
  of each file.

The folder is written under a temporary name and renamed when complete, so a run killed halfway
leaves no folder that looks like a backup. :func:`restore_backup` verifies every checksum before
touching anything and only restores into an empty database and an empty media folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA_TAR = "media.tar"
PREFIX = "dvc-"
NAME_FORMAT = "%Y%m%dT%H%M%SZ"
TMP_PREFIX = ".tmp-"
#: A temporary folder older than this is a leftover of a killed run.
STALE_TMP_SECONDS = 6 * 3600
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup could not be made; the message says why."""


class RestoreError(Exception):
    """The restore was refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.manifest["created"])

    @property
    def size(self) -> int:
        return sum(int(f["size"]) for f in self.manifest["files"].values())


# -- helpers ---------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_root() -> Path:
    return Path(settings.BACKUP_DIR)


def _engine(vendor: str) -> str:
    if vendor == "postgresql":
        return "postgresql"
    if vendor == "sqlite":
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg_major(params: Mapping[str, Any]) -> int:
    import psycopg

    with psycopg.connect(**_pg_conninfo(params)) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0]) // 10000


def pg_binary(name: str, params: Mapping[str, Any]) -> str:
    """The ``pg_dump``/``pg_restore`` matching the server's major version: Debian installs each
    version under /usr/lib/postgresql/<major>/bin; otherwise the one on PATH."""
    try:
        major: int | None = _pg_major(params)
    except Exception:  # the server answers the dump itself; fall back to PATH
        major = None
    if major is not None:
        candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found (install the PostgreSQL client tools of the "
                          f"server's version {major or '?'}).")
    return found


def _pg_conninfo(params: Mapping[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"dbname": params["NAME"], "autocommit": True}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"),
                      ("PORT", "port")):
        if params.get(key):
            info[name] = params[key]
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        info["sslmode"] = sslmode
    return info


def _pg_env_args(params: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = {**os.environ}
    args = ["--no-password"]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env, args


def _run(cmd: list[str], env: dict[str, str], what: str, error: type[Exception]) -> None:
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if run.returncode != 0:
        raise error(f"{what} failed (exit {run.returncode}): {run.stderr.strip()[-2000:]}")


def _dump_postgresql(params: Mapping[str, Any], out: Path) -> str:
    env, args = _pg_env_args(params)
    binary = pg_binary("pg_dump", params)
    _run([binary, "--format=custom", "--file", str(out), *args, "--dbname", str(params["NAME"])],
         env, "pg_dump", BackupError)
    return binary


# -- SQLite ----------------------------------------------------------------------------------


def _dump_sqlite(conn: BaseDatabaseWrapper, out: Path) -> None:
    """Copy the live database page by page (SQLite's online backup API): consistent even while
    the web process and the worker keep writing; works on the in-memory test database too."""
    if conn.in_atomic_block:
        # SQLite refuses to copy a database its own connection is writing to (and the copy
        # would hold uncommitted rows): a backup runs outside any transaction.
        raise BackupError("A SQLite backup cannot run inside a transaction.")
    conn.ensure_connection()
    target = sqlite3.connect(out)
    try:
        with conn.wrap_database_errors:
            conn.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()


# -- media -----------------------------------------------------------------------------------


def _media_files(root: Path) -> Iterable[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _tar_media(root: Path, out: Path) -> int:
    count = 0
    with tarfile.open(out, "w") as tar:
        for path in _media_files(root):
            tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
            count += 1
    return count


# -- backup ----------------------------------------------------------------------------------


def _migration_state(conn: BaseDatabaseWrapper) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(conn).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def create_backup(*, alias: str = "default", media_root: Path | None = None,
                  dest: Path | None = None, now: datetime | None = None,
                  run_id: int | None = None) -> Backup:
    """Write one complete backup folder into ``dest`` (default ``BACKUP_DIR``) and return it.
    ``run_id`` is the ``BackupRun`` recording this backup (in the dump, still running)."""
    conn = connections[alias]
    engine = _engine(conn.vendor)
    dest = Path(dest or backup_root())
    dest.mkdir(parents=True, exist_ok=True)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    created = (now or timezone.now()).astimezone(UTC)
    name = PREFIX + created.strftime(NAME_FORMAT)
    final, n = dest / name, 1
    while final.exists():
        final, n = dest / f"{name}-{n}", n + 1

    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=dest))
    try:
        migrations = _migration_state(conn)
        if engine == "postgresql":
            db_file = tmp / PG_DUMP
            tool = _dump_postgresql(conn.settings_dict, db_file)
        else:
            db_file = tmp / SQLITE_DUMP
            _dump_sqlite(conn, db_file)
            tool = f"sqlite3 {sqlite3.sqlite_version} backup API"
        media_count = _tar_media(media_root, tmp / MEDIA_TAR)
        files = {}
        for path in (db_file, tmp / MEDIA_TAR):
            _fsync(path)
            files[path.name] = {"size": path.stat().st_size, "sha256": sha256(path)}
        manifest = {
            "format": FORMAT,
            "created": created.isoformat(),
            "engine": engine,
            "tool": tool,
            "database": Path(str(conn.settings_dict["NAME"])).name,
            "django_migrations": migrations,
            "media_files": media_count,
            "files": files,
            "run_id": run_id,
        }
        manifest_path = tmp / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        _fsync(manifest_path)
        os.chmod(tmp, 0o700)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Backup(final, manifest)


def read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = Path(path) / MANIFEST
    if not manifest_path.is_file():
        raise RestoreError(f"{path} is not a backup folder: {MANIFEST} is missing.")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    except ValueError as exc:
        raise RestoreError(f"{manifest_path} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise RestoreError(f"{manifest_path} is not a manifest this version can read.")
    return manifest


def list_backups(dest: Path | None = None) -> list[Backup]:
    """Complete backups in ``dest``, newest first (folders without a readable manifest are
    ignored)."""
    dest = Path(dest or backup_root())
    found: list[Backup] = []
    if not dest.exists():
        return found
    for path in dest.iterdir():
        if not path.is_dir() or not path.name.startswith(PREFIX):
            continue
        try:
            found.append(Backup(path, read_manifest(path)))
        except RestoreError:
            continue
    return sorted(found, key=lambda b: b.created, reverse=True)


def rotate(dest: Path | None = None, *, keep_daily: int | None = None,
           keep_monthly: int | None = None) -> list[Path]:
    """Keep the newest backup of each of the last ``keep_daily`` days that have one and of each
    of the last ``keep_monthly`` months; delete the others and leftovers of killed runs."""
    dest = Path(dest or backup_root())
    keep_daily = settings.BACKUP_KEEP_DAILY if keep_daily is None else keep_daily
    keep_monthly = settings.BACKUP_KEEP_MONTHLY if keep_monthly is None else keep_monthly
    backups = list_backups(dest)
    keep: set[Path] = set()
    days: set[object] = set()
    months: set[object] = set()
    for b in backups:  # newest first
        local = timezone.localtime(b.created)
        if local.date() not in days and len(days) < keep_daily:
            days.add(local.date())
            keep.add(b.path)
        if (local.year, local.month) not in months and len(months) < keep_monthly:
            months.add((local.year, local.month))
            keep.add(b.path)
    if backups:
        keep.add(backups[0].path)  # never delete the newest backup
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    if dest.exists():
        for path in dest.glob(TMP_PREFIX + "*"):
            if time.time() - path.stat().st_mtime > STALE_TMP_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


# -- restore ---------------------------------------------------------------------------------


def verify(path: Path) -> dict[str, Any]:
    """Check the size and SHA-256 of every file listed in the manifest; raise on any mismatch."""
    manifest = read_manifest(path)
    problems = []
    for name, meta in sorted(manifest["files"].items()):
        file = Path(path) / name
        if "/" in name or name.startswith("."):
            problems.append(f"{name}: not a file name")
        elif not file.is_file():
            problems.append(f"{name}: missing")
        elif file.stat().st_size != meta["size"]:
            problems.append(f"{name}: {file.stat().st_size} bytes, the manifest says "
                            f"{meta['size']}")
        elif sha256(file) != meta["sha256"]:
            problems.append(f"{name}: SHA-256 does not match the manifest")
    if problems:
        raise RestoreError("The backup is damaged, nothing was restored: " + "; ".join(problems)
                           + ". Use another backup.")
    return manifest


def _media_is_empty(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())


def _pg_is_empty(params: Mapping[str, Any]) -> bool:
    import psycopg

    try:
        with psycopg.connect(**_pg_conninfo(params)) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'"
            ).fetchone()
    except psycopg.OperationalError as exc:
        raise RestoreError(
            f"Cannot connect to the target database {params['NAME']!r} ({exc}). Create an empty "
            f"one first: createdb -T template0 {params['NAME']}") from exc
    return row is not None and row[0] == 0


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()


def restore_backup(path: Path, *, params: Mapping[str, Any], vendor: str,
                   media_root: Path) -> dict[str, Any]:
    """Restore the backup at ``path`` into the database described by ``params`` (a Django
    ``DATABASES`` entry) and ``media_root``. Both must be empty; every checksum is verified
    first. Returns the manifest."""
    path = Path(path)
    manifest = verify(path)
    engine = _engine(vendor)
    if manifest["engine"] != engine:
        raise RestoreError(f"This backup is of a {manifest['engine']} database; the target is "
                           f"{engine}.")
    media_root = Path(media_root)
    if not _media_is_empty(media_root):
        raise RestoreError(f"The media folder {media_root} is not empty. Restore only into an "
                           f"empty folder: move the old one aside (or point MEDIA_ROOT at a new "
                           f"folder) and run the restore again.")
    if engine == "postgresql":
        if not _pg_is_empty(params):
            raise RestoreError(
                f"The database {params['NAME']!r} is not empty. Restore only into an empty "
                f"database: createdb -T template0 <new name>, point DATABASE_URL at it and run "
                f"the restore again.")
        env, args = _pg_env_args(params)
        _run([pg_binary("pg_restore", params), *args, "--dbname", str(params["NAME"]),
              "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              str(path / PG_DUMP)], env, "pg_restore", RestoreError)
    else:
        target = str(params["NAME"])
        if target == ":memory:" or "mode=memory" in target:
            raise RestoreError("Restore into a database file, not an in-memory database.")
        target_path = Path(target)
        if not _sqlite_is_empty(target_path):
            raise RestoreError(
                f"The database file {target_path} is not empty. Restore only into an empty "
                f"database: move the old file aside (or point DATABASE_URL at a new file) and "
                f"run the restore again.")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(path / SQLITE_DUMP)
        dest = sqlite3.connect(target_path)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    _settle_own_run(params, engine, path, manifest)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path / MEDIA_TAR, "r") as tar:
        tar.extractall(media_root, filter="data")
    return manifest


#: The backup's own run: the row the manifest names (older backups: the latest row still
#: "running" in the dump, which was taken during that run).
_OWN_RUN = ("UPDATE ops_backuprun SET status = 'succeeded', finished_at = {p}, path = {p}, "
            "engine = {p} WHERE status = 'running' AND id = COALESCE({p}, (SELECT id FROM "
            "ops_backuprun WHERE status = 'running' ORDER BY started_at DESC, id DESC LIMIT 1))")


def _settle_own_run(params: Mapping[str, Any], engine: str, path: Path,
                    manifest: Mapping[str, Any]) -> None:
    """The dump was taken while its own backup run was being recorded, so the restored
    database lists that run as "running" for ever: record it as the succeeded backup it is
    (the folder restored from, finished when the manifest was written)."""
    values = (manifest["created"], str(path), engine, manifest.get("run_id"))
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(**_pg_conninfo(params)) as conn:
            conn.execute(_OWN_RUN.format(p="%s"), values)  # type: ignore[arg-type]
        return
    target = sqlite3.connect(str(params["NAME"]))
    try:
        with target:
            target.execute(_OWN_RUN.format(p="?"), values)
    finally:
        target.close()


def applied_migration_differences(manifest: Mapping[str, Any]) -> list[str]:
    """Migrations the code has that the backup had not applied (run ``migrate`` after the
    restore) — empty when the backup matches the code."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    have = {(app, name) for app, names in manifest.get("django_migrations", {}).items()
            for name in names}
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations
                  if (app, name) not in have)
