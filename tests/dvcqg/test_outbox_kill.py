"""Proof of "nothing lost, nothing duplicated" (I1): a real Celery worker process sends 1,000
outbox events over 100 dossiers to the stand-in portal, which fails 10% of the calls at random;
the worker is SIGKILLed in the middle of sending — after the portal stored a packet and before the
worker could mark its row — and restarted. In the end the portal holds each event exactly once,
in order per dossier, and every row is acknowledged.

The worker is a separate process, so it must see the test's data: on PostgreSQL it connects to
the test database (the test commits its rows: ``transaction=True``); SQLite's test database lives
in memory, so it is copied (SQLite's online backup) into a file the worker opens, and the outcome
is read back from that file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier
from portal.celery import app
from portal.dvcqg.models import OutboxEvent, Service
from portal.dvcqg.standin import Received, StandIn
from portal.dvcqg.tasks import send_outbox
from tests.factories import AgencyFactory, UserFactory
from tests.ops.test_celery_broker import _forget_connections
from tests.procedures.factories import ProcedureFactory

ROOT = Path(__file__).resolve().parents[2]
DOSSIERS, PER_DOSSIER = 100, 10
KILL_AT = 300


def _record(code: str, n: int, procedure: Any) -> dict[str, Any]:
    return {"MaHoSo": code, "MaTTHC": procedure.national_code, "TenTTHC": procedure.name,
            "ChuHoSo": "Nguyễn Văn An", "NgayTiepNhan": "20260309090000",
            "TrangThaiHoSo": n % 10 + 1, "DonViXuLy": "000.01.30.H56", "HinhThuc": 0,
            "GhiChu": f"event {n}", "TaiLieuNop": [], "DanhSachLePhi": [],
            "DanhSachHoSoBoSung": [], "DanhSachGiayToKetQua": []}


def _make_events(world: Any) -> dict[str, list[str]]:
    """1,000 rows over 100 dossiers; their keys in sequence order per dossier code."""
    procedure, _agency, citizen = world
    expected: dict[str, list[str]] = {}
    rows = []
    now = timezone.now()
    first = services.start_draft(procedure, applicant=citizen)
    copies = []
    for d in range(DOSSIERS):
        copy = Dossier.objects.get(pk=first.pk)
        copy.pk = None
        copy.code = f"000.01.30.H56-260309-{d + 1:04d}"
        copies.append(copy)
    Dossier.objects.filter(pk=first.pk).delete()
    for dossier in Dossier.objects.bulk_create(copies):
        code = dossier.code
        keys = expected.setdefault(code, [])
        for n in range(1, PER_DOSSIER + 1):
            key = uuid.uuid4()
            keys.append(str(key))
            rows.append(OutboxEvent(
                key=key, dossier_id=dossier.pk, dossier_code=code, sequence=n,
                service=Service.SYNC_DOSSIER, national_status=n % 10 + 1,
                payload=_record(code, n, procedure), created_at=now, next_attempt_at=now))
    OutboxEvent.objects.bulk_create(rows)
    return expected


@pytest.fixture
def world(transactional_db: None) -> tuple[Any, Any, Any]:
    from procedures.services import publish

    agency = AgencyFactory(code="000.01.30.H56")
    procedure = ProcedureFactory(owner_agency=agency)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    return procedure, agency, UserFactory(personal_id="038090001234")


class Workers:
    """Start, kill and stop real worker processes on the configured broker."""

    def __init__(self, tmp: Path, standin: StandIn, database_url: str) -> None:
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.development",
            "DVC_VAR_DIR": str(tmp / "var"), "DATABASE_URL": database_url,
            "DVCQG_BASE_URL": standin.url, "DVCQG_USERNAME": standin.username,
            "DVCQG_PASSWORD": standin.password, "DVCQG_TIMEOUT": "3",
            "DVCQG_LEASE_SECONDS": "4", "DVCQG_BACKOFF_SECONDS": "0.05",
            "DVCQG_BACKOFF_MAX_SECONDS": "0.4", "DVCQG_MAX_ATTEMPTS": "100",
            "DVCQG_SEND_BUDGET_SECONDS": "40", "DVCQG_CONCURRENCY": "4", "DB_CONN_MAX_AGE": "0",
        }
        if settings.REDIS_URL:
            self.env["REDIS_URL"] = settings.REDIS_URL
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log = (tmp / "worker.log").open("ab")

    def start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=INFO", "-Q", "celery", "-n", f"kill-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Path]:
    """This process sends tasks to the broker the worker consumes (not eagerly)."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url",
                                            "broker_transport_options")}
    if not settings.REDIS_URL:
        queue = tmp_path / "var" / "celery"
        for sub in ("out", "processed", "control"):
            (queue / sub).mkdir(parents=True)
        app.conf.broker_url = "filesystem://"
        app.conf.broker_transport_options = {
            "data_folder_in": str(queue / "out"), "data_folder_out": str(queue / "out"),
            "processed_folder": str(queue / "processed"),
            "control_folder": str(queue / "control")}
    else:  # a queue of our own: nothing left over by other tests
        from kombu import Connection

        with Connection(settings.REDIS_URL) as conn:
            conn.default_channel.queue_purge("celery")
    app.conf.task_always_eager = False
    _forget_connections()
    yield tmp_path
    for key, value in saved.items():
        app.conf[key] = value
    _forget_connections()


@pytest.mark.broker
def test_killed_worker_loses_nothing_and_duplicates_nothing(world, broker):
    started = time.monotonic()
    expected = _make_events(world)
    phases = {"made": time.monotonic() - started}
    total = DOSSIERS * PER_DOSSIER

    sqlite_file: Path | None = None
    if connection.vendor == "sqlite":
        sqlite_file = broker / "worker.sqlite3"
        target = sqlite3.connect(sqlite_file)
        connection.ensure_connection()
        connection.connection.backup(target)
        copied = target.execute("select count(*) from dvcqg_outboxevent").fetchone()[0]
        target.close()
        assert copied == total
        database_url = f"sqlite:///{sqlite_file}"
    else:
        db = connection.settings_dict
        database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}")

    def unacknowledged() -> int:
        if sqlite_file is not None:
            with sqlite3.connect(sqlite_file, timeout=20) as db:
                return db.execute("select count(*) from dvcqg_outboxevent "
                                  "where status != 'acknowledged'").fetchone()[0]
        return OutboxEvent.objects.exclude(status="acknowledged").count()

    killed = threading.Event()
    standin = StandIn(fail_rate=0.10, seed=2026).start()
    workers = Workers(broker, standin, database_url)
    victim: list[subprocess.Popen[bytes]] = []

    def kill_mid_sending(received: Received) -> None:
        # The portal has stored the packet; the worker dies before it can mark its row.
        if len(standin.events) == KILL_AT and not killed.is_set():
            os.kill(victim[0].pid, signal.SIGKILL)
            killed.set()

    standin.on_store = kill_mid_sending
    sending = time.monotonic()
    try:
        victim.append(workers.start())
        send_outbox.apply_async()
        assert killed.wait(timeout=40), (broker / "worker.log").read_text()[-3000:]
        assert victim[0].wait(timeout=10) == -signal.SIGKILL
        in_flight = 1  # the packet stored just before the kill
        assert len(standin.events) >= KILL_AT
        phases["killed"] = time.monotonic() - started

        workers.start()  # the restart
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            send_outbox.apply_async()  # what beat does every minute
            time.sleep(2)
            if len(standin.events) == total and unacknowledged() == 0:
                break
        phases["done"] = time.monotonic() - started
    finally:
        workers.stop()
        standin.close()

    # Exactly once: every event arrived, none twice; the one in flight was sent again and
    # recognised as a duplicate by its idempotency key.
    keys = standin.keys_in_order()
    assert len(keys) == total and len(set(keys)) == total
    assert standin.duplicates >= in_flight
    # In order per dossier.
    arrived = {code: [e.key for e in events] for code, events in standin.by_dossier().items()}
    assert arrived == expected
    # And our side knows it: every row acknowledged.
    assert unacknowledged() == 0
    # The sending part (two worker start-ups included) fits in a minute.
    assert time.monotonic() - sending < 60, phases
