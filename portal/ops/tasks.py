"""Health tasks: proof that a worker consumes the broker."""

from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="ops.ping")
def ping(payload: str = "pong") -> dict[str, object]:
    """Answer with the payload and who answered, so a caller sees a real worker replied."""
    return {"payload": payload, "host": socket.gethostname(), "pid": os.getpid()}
