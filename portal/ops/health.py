"""Health of the deployment for /healthz and the metrics (O3).

Parts: the database and Redis (when ``REDIS_URL``) are *required*: if one is down the answer is
503 so the load balancer stops sending traffic. The worker heartbeat (``ops.heartbeat``, every
minute) and the last backup's age only make the status *degraded* (still 200): the web pages
work, but an operator must look.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

OK, DEGRADED, DOWN = "ok", "degraded", "down"


def heartbeat_age_seconds(now: datetime | None = None) -> float | None:
    from .models import Heartbeat

    row = Heartbeat.objects.filter(name="worker").first()
    if row is None:
        return None
    return ((now or timezone.now()) - row.at).total_seconds()


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return {"status": DOWN, "error": type(exc).__name__}
    return {"status": OK, "vendor": connection.vendor}


def _redis() -> dict[str, Any] | None:
    if not settings.REDIS_URL:
        return None
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:
        return {"status": DOWN, "error": type(exc).__name__}
    finally:
        client.close()
    return {"status": OK}


def _worker(now: datetime) -> dict[str, Any]:
    age = heartbeat_age_seconds(now)
    limit = settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    if age is None:
        return {"status": DEGRADED, "error": "no heartbeat yet"}
    return {"status": OK if age <= limit else DEGRADED, "age_seconds": round(age)}


def _backup(now: datetime) -> dict[str, Any]:
    from .services import backup_age_seconds

    age = backup_age_seconds(now)
    limit = settings.BACKUP_MAX_AGE_HOURS * 3600
    if age is None:
        return {"status": DEGRADED, "error": "no successful backup yet"}
    return {"status": OK if age <= limit else DEGRADED, "age_seconds": round(age)}


def check(now: datetime | None = None) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) of /healthz."""
    now = now or timezone.now()
    parts: dict[str, dict[str, Any]] = {"database": _database()}
    redis_part = _redis()
    if redis_part is not None:
        parts["redis"] = redis_part
    required_down = any(p["status"] == DOWN for p in parts.values())
    if parts["database"]["status"] == OK:
        parts["worker"] = _worker(now)
        parts["backup"] = _backup(now)
    if required_down:
        status = DOWN
    elif any(p["status"] != OK for p in parts.values()):
        status = DEGRADED
    else:
        status = OK
    return (503 if status == DOWN else 200), {"status": status, "checks": parts}
