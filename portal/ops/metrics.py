"""Prometheus metrics (O3): request latency, Celery queue length, outbox lag, backup age.

``/metrics`` is protected (:func:`allowed`): a bearer token (``METRICS_TOKEN``) or a client
address listed in ``METRICS_ALLOWED_IPS``. Other areas feed the outbox-lag gauge through
:func:`register_lag`::

    from portal.ops import metrics
    metrics.register_lag("dvcqg", oldest_pending_age_seconds)   # in AppConfig.ready()

where the callable returns the age in seconds of the oldest row still waiting (0 when none).

With several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, cleared at
start) so the histogram is summed over the processes.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.net import client_ip

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "dvc_http_request_duration_seconds",
    "Time to answer an HTTP request, by view name (not by raw path).",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

LagFn = Callable[[], float | None]
_LAGS: dict[str, LagFn] = {}


def register_lag(name: str, fn: LagFn) -> None:
    """Add an outbox-lag source: ``fn()`` gives the age in seconds of its oldest pending item."""
    _LAGS[name] = fn


class LatencyMiddleware:
    """Time every request and label it with the resolved view name (``app:name``), so that
    ``/ho-so/123/`` and ``/ho-so/456/`` are one series."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else "") or "unresolved"
        REQUEST_LATENCY.labels(view=view, method=request.method or "").observe(
            time.perf_counter() - start)
        return response


def queue_length() -> int | None:
    """Messages waiting in the default Celery queue: the Redis list, or the files of the
    filesystem transport's folder in embedded mode."""
    broker = settings.CELERY_BROKER_URL
    if broker.startswith("redis"):
        import redis

        client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
        try:
            return int(client.llen("celery"))
        finally:
            client.close()
    if broker.startswith("filesystem"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        return sum(1 for p in folder.glob("*.msg")) if folder.exists() else 0
    return None


class OpsCollector(Collector):
    """Gauges read at scrape time (never stale): queue length, outbox lag, backup and heartbeat
    age."""

    NAMES = ("dvc_celery_queue_length", "dvc_outbox_lag_seconds", "dvc_backup_age_seconds",
             "dvc_worker_heartbeat_age_seconds")

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The names, without reading anything (registering must not touch the database)."""
        for name in self.NAMES:
            yield GaugeMetricFamily(name, name)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from . import health, services

        try:
            length = queue_length()
        except Exception:
            logger.warning("queue length unavailable", exc_info=True)
            length = None
        if length is not None:
            yield GaugeMetricFamily("dvc_celery_queue_length",
                                    "Tasks waiting in the Celery queue.", value=length)
        lag = GaugeMetricFamily("dvc_outbox_lag_seconds",
                                "Age of the oldest item still waiting in an outbox.",
                                labels=["outbox"])
        for name, fn in sorted(_LAGS.items()):
            try:
                value = fn()
            except Exception:
                logger.warning("outbox lag %s unavailable", name, exc_info=True)
                continue
            lag.add_metric([name], float(value or 0))
        yield lag
        try:
            age = services.backup_age_seconds()
        except Exception:
            age = None
        if age is not None:
            yield GaugeMetricFamily("dvc_backup_age_seconds",
                                    "Seconds since the last successful backup.", value=age)
        try:
            beat_age = health.heartbeat_age_seconds()
        except Exception:
            beat_age = None
        if beat_age is not None:
            yield GaugeMetricFamily("dvc_worker_heartbeat_age_seconds",
                                    "Seconds since a worker last ran ops.heartbeat.",
                                    value=beat_age)


_COLLECTOR = OpsCollector()
REGISTRY.register(_COLLECTOR)


def allowed(request: HttpRequest) -> bool:
    """The scraper presents ``Authorization: Bearer <METRICS_TOKEN>`` or comes from an address
    in ``METRICS_ALLOWED_IPS``."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(
            header.removeprefix("Bearer ").strip().encode(), token.encode()):
        return True
    return client_ip(request) in set(settings.METRICS_ALLOWED_IPS)


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_COLLECTOR)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse("Forbidden: a metrics token or an allowed address is required.\n",
                            status=403, content_type="text/plain")
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
