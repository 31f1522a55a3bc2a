"""Operations tasks: the broker ping, the worker heartbeat, the daily backup and digest."""

from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="ops.ping")
def ping(payload: str = "pong") -> dict[str, object]:
    """Answer with the payload and who answered, so a caller sees a real worker replied."""
    return {"payload": payload, "host": socket.gethostname(), "pid": os.getpid()}


@shared_task(name="ops.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat runs this every minute; /healthz says "degraded" when it goes stale."""
    from .services import beat

    beat("worker")


@shared_task(name="ops.backup", ignore_result=True, acks_late=False)
def backup() -> dict[str, object]:
    """The daily backup (O1). Not acknowledged late: a killed run leaves only a temporary folder
    (cleaned by the next run) and is not replayed over and over; the next day's run follows."""
    from .services import run_backup

    run = run_backup(trigger="beat")
    return {"id": run.pk, "status": run.status, "path": run.path}


@shared_task(name="ops.daily_digest", ignore_result=True)
def daily_digest() -> int:
    """The morning e-mail to operators (O3); once per day whatever the retries."""
    from .digest import send_digest

    return send_digest()
