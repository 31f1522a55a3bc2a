"""Issuing and rendering the dossier's documents (D4).

:func:`issue` records that a transition issued a document (one per event and kind, however often
it is called); :func:`ensure_rendered` renders and stores its PDF once, privately under
``MEDIA_ROOT`` (served only through the permission-checked download view), with its SHA-256.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from ..models import DossierDocument, DossierEvent
from .render import render_pdf

__all__ = ["ensure_rendered", "is_rendered", "issue", "read", "render_pdf"]

#: The transitions that may issue each kind of document.
ISSUED_BY: dict[str, frozenset[str]] = {
    DossierDocument.Kind.RECEIPT: frozenset({"accept", "register_at_counter"}),
    DossierDocument.Kind.COMPLETION_REQUEST: frozenset({"ask_to_complete"}),
    DossierDocument.Kind.REFUSAL: frozenset({"refuse", "close_incomplete"}),
    DossierDocument.Kind.APOLOGY: frozenset({"apologise"}),
    DossierDocument.Kind.STOP_NOTICE: frozenset({"stop", "withdraw"}),
}


def issue(event: DossierEvent, kind: str) -> DossierDocument:
    """The document of ``kind`` issued at ``event``; created the first time only."""
    if kind not in ISSUED_BY:
        raise ValueError(f"unknown document kind {kind!r}")
    if event.transition not in ISSUED_BY[kind]:
        raise ValueError(f"a {kind} is not issued by the transition {event.transition!r}")
    existing = DossierDocument.objects.filter(event=event, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DossierDocument.objects.create(dossier_id=event.dossier_id, event=event,
                                                  kind=kind)
    except IntegrityError:  # issued concurrently: the other one stands
        return DossierDocument.objects.get(event=event, kind=kind)


def is_rendered(document: DossierDocument) -> bool:
    """Whether the PDF is stored, intact (its SHA-256 matches)."""
    if not document.file or not document.sha256:
        return False
    storage, name = document.file.storage, document.file.name or ""
    if not name or not storage.exists(name):
        return False
    with storage.open(name, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest() == document.sha256


def ensure_rendered(document: DossierDocument) -> DossierDocument:
    """Render and store the PDF unless it is already stored; safe to call again or at once."""
    if is_rendered(document):
        return document
    with transaction.atomic():
        locked = (DossierDocument.objects.select_for_update()
                  .select_related("event", "dossier", "dossier__procedure",
                                  "dossier__procedure_version", "dossier__receiving_agency")
                  .get(pk=document.pk))
        if is_rendered(locked):
            return locked
        old_name = locked.file.name if locked.file else ""
        content = render_pdf(locked)
        locked.file.save(f"{locked.kind}.pdf", ContentFile(content), save=False)
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.save(update_fields=["file", "sha256"])
        if old_name and old_name != locked.file.name:
            storage = locked.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    document.file, document.sha256 = locked.file, locked.sha256
    return locked


def read(document: DossierDocument) -> bytes:
    """The stored PDF, rendered first when it is not stored yet."""
    document = ensure_rendered(document)
    with document.file.storage.open(document.file.name or "", "rb") as fh:
        return fh.read()
