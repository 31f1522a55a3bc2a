"""``manage.py serve_embedded``: the whole system on one machine with nothing else running.

Starts the local stand-ins of the outside systems the demo needs — the National Public Service
Portal (``portal.dvcqg.standin``) and the province's SMS gateway — unless their URLs are configured,
then a real Celery worker with an embedded beat (on the filesystem transport unless ``REDIS_URL``
is set) pointed at them, then the web server; stops the worker when the server stops. A new user
of ``make run`` thus sees dossiers synced to the portal and SMS delivered (printed here).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server together with a Celery worker and beat (embedded mode)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")
        parser.add_argument("--no-standins", action="store_true",
                            help="Do not start the stand-in national portal and SMS gateway.")

    def _configure(self, env: dict[str, str], **values: str) -> None:
        """Point this process (settings) and the worker (environment) at a stand-in."""
        for name, value in values.items():
            setattr(settings, name, value)
            env[name] = value

    def _start_standins(self, env: dict[str, str]) -> None:
        if not settings.DVCQG_BASE_URL:
            from portal.dvcqg.standin import StandIn

            portal = StandIn().start()
            portal.submitted.extend(_demo_portal_dossiers())
            self._configure(env, DVCQG_BASE_URL=portal.url, DVCQG_USERNAME=portal.username,
                            DVCQG_PASSWORD=portal.password,
                            DVCQG_UNIT_CODE=settings.DVCQG_UNIT_CODE or "000.00.00.H56")
            self.stdout.write(f"National Public Service Portal stand-in: {portal.url}")
            _echo(lambda: [f"DVCQG ← {e.service} {e.record.get('MaHoSo')} "
                           f"{e.record.get('TrangThaiHoSo', e.record.get('NoiDungXuLy', ''))}"
                           for e in list(portal.events)], self.stdout.write)
        if not settings.SMS_GATEWAY_URL:
            try:
                from portal.notifications.standin import (  # type: ignore[import-not-found]
                    TOKEN,
                    Gateway,
                )
            except ImportError:
                try:
                    from tests.sms_gateway import TOKEN, Gateway
                except ImportError:  # a deployment without the test suite: SMS stays off
                    return
            gateway = Gateway()
            self._configure(env, SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN=TOKEN,
                            SMS_INBOUND_TOKEN=TOKEN)
            self.stdout.write(f"SMS gateway stand-in: {gateway.url}")
            _echo(lambda: [f"SMS → {m.get('to')}: {m.get('text')}"
                           for m in list(gateway.messages)], self.stdout.write)

    def handle(self, *args: Any, **options: Any) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "portal.settings.development")}
        if not options["no_standins"]:
            self._start_standins(env)
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--beat",
                 "--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                env=env,
            )
            self.stdout.write(f"Celery worker + beat started (pid {worker.pid}, broker "
                              f"{settings.CELERY_BROKER_URL.split('@')[-1]}).")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Portal: {url}   Admin: {url}admin/"))
        try:
            call_command("runserver", f"{options['host']}:{options['port']}",
                         use_reloader=False)
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _echo(lines: Any, write: Any) -> None:
    """Print what a stand-in receives, as it arrives (a daemon thread)."""

    def run() -> None:
        seen = 0
        while True:
            time.sleep(1)
            current = lines()
            for line in current[seen:]:
                write(line)
            seen = len(current)

    threading.Thread(target=run, daemon=True).start()


def _demo_portal_dossiers() -> list[dict[str, Any]]:
    """One dossier "submitted on the national portal" for the demo's fetch (I2), for a published
    procedure of the demo catalogue; none when the catalogue is empty."""
    from django.utils import timezone

    from portal.dvcqg.records import portal_date
    from procedures.models import Procedure

    try:
        procedure = (Procedure.objects.accepting().filter(receiving_agencies__isnull=False)
                     .order_by("national_code").first())
        agency = procedure.receiving_agencies.order_by("pk").first() if procedure else None
    except Exception:  # no database yet: the demo still starts
        return []
    if procedure is None or agency is None:
        return []
    now = timezone.now()
    return [{"MaHoSo": f"{agency.code}-{timezone.localtime(now):%y%m%d}-DV0001",
             "MaTTHC": procedure.national_code, "DonViXuLy": agency.code,
             "ChuHoSo": "Trần Thị Demo", "MaDoiTuong": "038190009999",
             "SoDienThoai": "0912000999", "Email": "demo.dvcqg@example.vn",
             "TrichYeuHoSo": f"Nộp trên Cổng DVCQG: {procedure.name}"[:500],
             "NgayTiepNhan": portal_date(now)}]
