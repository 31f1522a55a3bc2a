"""Celery tasks of the dossiers app."""

from __future__ import annotations

from celery import shared_task

from .models import Dossier, DossierDocument
from .notifications import notify_applicant, send_sms_for_event

#: Celery's autodiscovery imports this module only: the notification tasks are registered here.
__all__ = ["close_overdue_incomplete", "notify_applicant", "render_document",
           "send_sms_for_event", "sweep_deadlines"]


@shared_task(name="dossiers.render_document", bind=True, max_retries=5,
             autoretry_for=(OSError,), retry_backoff=10, retry_backoff_max=600)
def render_document(self: object, document_id: int) -> bool:
    """Render and store an issued document's PDF if it is not stored yet (D4). Idempotent: a
    second run, or a retry after a crash, leaves a stored document as it is."""
    from .documents.services import ensure_rendered

    document = DossierDocument.objects.filter(pk=document_id).first()
    if document is None:
        return False
    ensure_rendered(document)
    return True


@shared_task(name="dossiers.close_overdue_incomplete")
def close_overdue_incomplete() -> int:
    """Close the dossiers whose applicant did not complete them within the completion period
    (LEGAL-NOTES §3). Each is closed in its own transaction; one that changed meanwhile (the
    applicant completed it at the last minute) is skipped. Safe to run again at any time."""
    from django.utils import timezone

    from .services import DossierError, close_incomplete
    from .states import State

    closed = 0
    due = Dossier.objects.filter(state=State.INCOMPLETE, completion_due_at__lte=timezone.now())
    for dossier in due.iterator(chunk_size=200):
        try:
            close_incomplete(dossier)
        except DossierError:
            continue
        closed += 1
    return closed


@shared_task(name="dossiers.sweep_deadlines")
def sweep_deadlines() -> dict[str, int]:
    """Deadline timers (every 5 minutes by beat): warn officers of intake and step deadlines
    within the province's threshold, mark overdue dossiers and steps and tell the agency leader
    (:mod:`dossiers.timers`). Each warning once per due instant; safe to run again."""
    from .timers import sweep

    result = sweep()
    return {"intake_warned": result.intake_warned, "intake_overdue": result.intake_overdue,
            "result_overdue": result.result_overdue, "steps_warned": result.steps_warned,
            "steps_overdue": result.steps_overdue}
