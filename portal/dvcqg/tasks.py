"""Celery tasks of the DVCQG sync (I1, I2): the outbox sender and the fetch of dossiers submitted
on the national portal. Both are idempotent and safe to run twice at once."""

from __future__ import annotations

from celery import shared_task

__all__ = ["fetch_portal_dossiers", "send_outbox"]


@shared_task(name="dvcqg.send_outbox", ignore_result=True)
def send_outbox() -> dict[str, int]:
    """Send the outbox rows that are due, in order per dossier (beat every minute, and kicked
    after each transition's commit)."""
    from .outbox import deliver

    report = deliver()
    return {"sent": report.sent, "failed": report.failed, "waiting": report.waiting}


@shared_task(name="dvcqg.fetch_portal_dossiers", ignore_result=True)
def fetch_portal_dossiers() -> dict[str, int]:
    """Dossiers submitted on the national portal enter our intake queue (I2, LEGAL-NOTES §6)."""
    from .inbound import fetch_submitted

    return fetch_submitted()
