"""``manage.py serve_embedded``: the whole system on one machine with nothing else running.

Starts a real Celery worker with an embedded beat (on the filesystem transport unless
``REDIS_URL`` is set), then the web server, and stops the worker when the server stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--beat",
                 "--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
                    "DJANGO_SETTINGS_MODULE", "portal.settings.development")},
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
