"""A real Celery worker consumes the configured broker: Redis when ``REDIS_URL`` is set (CI's
second run), otherwise the embedded filesystem transport. Not eager: the task crosses processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from kombu import pools

from portal.celery import app
from portal.ops.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def _forget_connections() -> None:
    """Make the app rebuild its result backend and broker pools from the current config
    (kombu also keeps producer pools in a process-wide registry: reset it too)."""
    app._local.__dict__.pop("backend", None)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def worker(tmp_path):
    """A worker process on the same broker as this process, with a result backend both see."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.development",
           "DVC_VAR_DIR": str(tmp_path / "var")}
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url",
                                            "broker_transport_options", "result_backend")}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
        assert app.conf.broker_url.startswith("redis://")
    else:
        queue = tmp_path / "var" / "celery"
        for sub in ("out", "processed", "control"):
            (queue / sub).mkdir(parents=True)
        results = tmp_path / "results"
        results.mkdir()
        env["CELERY_RESULT_BACKEND"] = f"file://{results}"
        app.conf.broker_url = "filesystem://"
        app.conf.broker_transport_options = {
            "data_folder_in": str(queue / "out"), "data_folder_out": str(queue / "out"),
            "processed_folder": str(queue / "processed"),
            "control_folder": str(queue / "control")}
        app.conf.result_backend = f"file://{results}"
    app.conf.task_always_eager = False
    _forget_connections()
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
         "-Q", "celery", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        for key, value in saved.items():
            app.conf[key] = value
        _forget_connections()


@pytest.mark.broker
def test_task_crosses_the_broker_to_a_real_worker(worker):
    result = ping.apply_async(args=["xin chào"])
    answer = result.get(timeout=60)
    assert answer["payload"] == "xin chào"
    assert answer["pid"] == worker.pid  # answered by the worker process, not eagerly here
    assert answer["pid"] != os.getpid()
