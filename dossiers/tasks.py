"""Celery tasks of the dossiers app."""

from __future__ import annotations

from celery import shared_task

from .models import DossierDocument


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
