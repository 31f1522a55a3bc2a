"""Celery tasks of the notifications app: send one delivery, and the retry sweep (D10)."""

from __future__ import annotations

from celery import shared_task

from . import services

__all__ = ["send_delivery", "send_due"]


@shared_task(name="notifications.send_delivery", acks_late=True)
def send_delivery(delivery_id: int) -> str:
    """Send one e-mail or SMS of the delivery log. Idempotent: a sent delivery is skipped, one
    held by another worker too; failures are recorded and retried by :func:`send_due`."""
    return services.send_delivery(delivery_id)


@shared_task(name="notifications.send_due")
def send_due() -> int:
    """Send every delivery whose attempt is due (never dispatched, lease expired after a crash,
    or failed and backed off). Scheduled every minute by beat; safe to run concurrently."""
    sent = 0
    for pk in services.due_deliveries():
        if services.send_delivery(pk) == "sent":
            sent += 1
    return sent
