"""The citizen's data warehouse (D9): what goes in, who sees it, reuse in a new dossier.

* Results enter when they are returned online or at the counter (the ``return_result`` event
  hook, in the transition's transaction).
* Papers digitized at the counter (``DossierFile.digitized``) of the person's dossiers enter
  when the warehouse is listed (:func:`sync_digitized`, idempotent).
* Only the owner — the signed-in citizen or organisation whose personal ID number (organisation
  code) is the item's key — lists, downloads or reuses an item; officers never do here.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierEvent, DossierFile, DossierResult
from dossiers.services import DossierError
from procedures.models import DossierComponent

from .models import WarehouseItem

#: How a result is returned for it to enter the warehouse (D9).
DEPOSITED_ON = frozenset({"online", "counter"})


def owner_key(user: Any) -> str:
    """The warehouse key of a signed-in citizen or organisation ("" for anyone else)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "is_officer", False) or getattr(user, "kind", "") == "officer":
        return ""
    return str(getattr(user, "personal_id", "") or getattr(user, "organisation_code", "") or "")


def dossier_key(dossier: Dossier) -> str:
    if dossier.applicant_id_number:
        return dossier.applicant_id_number
    return owner_key(dossier.applicant) if dossier.applicant_id else ""


def deposit_result(dossier: Dossier, result: DossierResult) -> WarehouseItem | None:
    """Put a signed result in its owner's warehouse (once)."""
    key = dossier_key(dossier)
    if not key or not result.is_signed:
        return None
    title = f"{result.title} {result.number}".strip()
    item, _created = WarehouseItem.objects.get_or_create(
        owner_key=key, result=result,
        defaults={"kind": WarehouseItem.Kind.RESULT, "title": title[:255], "dossier": dossier,
                  "sha256": result.sha256})
    return item


def on_dossier_event(event: DossierEvent) -> None:
    """Event hook (runs in the transition's transaction): a result returned online or at the
    counter enters the applicant's warehouse."""
    if event.transition != "return_result":
        return
    if (event.data or {}).get("how") not in DEPOSITED_ON:
        return
    result_pk = (event.data or {}).get("result")
    if not isinstance(result_pk, int):
        return
    result = DossierResult.objects.filter(pk=result_pk, dossier_id=event.dossier_id).first()
    if result is not None:
        deposit_result(event.dossier, result)


def sync_digitized(key: str) -> int:
    """Add the papers digitized at the counter for the person's dossiers; returns how many."""
    if not key:
        return 0
    known = set(WarehouseItem.objects.filter(owner_key=key, dossier_file__isnull=False)
                .values_list("dossier_file_id", flat=True))
    files = (DossierFile.objects.filter(dossier__applicant_id_number=key, digitized=True)
             .exclude(pk__in=known).select_related("component"))
    items = [WarehouseItem(owner_key=key, kind=WarehouseItem.Kind.DIGITIZED,
                           title=(f.component.name if f.component else f.original_name)[:255],
                           dossier_id=f.dossier_id, dossier_file=f, sha256=f.sha256)
             for f in files]
    WarehouseItem.objects.bulk_create(items, ignore_conflicts=True)
    return len(items)


def items_for(user: Any) -> QuerySet[WarehouseItem]:
    """The user's own warehouse items (an empty queryset for anyone without a key)."""
    key = owner_key(user)
    if not key:
        return WarehouseItem.objects.none()
    return (WarehouseItem.objects.filter(owner_key=key)
            .select_related("dossier", "result", "dossier_file"))


def item_for(user: Any, pk: int) -> WarehouseItem | None:
    return items_for(user).filter(pk=pk).first()


def read_item(item: WarehouseItem) -> tuple[bytes, str, str]:
    """(content, content type, file name) of an item."""
    if item.result_id is not None:
        result = item.result
        assert result is not None
        if not result.is_signed:  # never: only signed results are deposited
            raise DossierError(_("This result is not signed."))
        field = result.signed_file
        content_type, name = "application/pdf", f"ket-qua-{item.pk}.pdf"
    else:
        paper = item.dossier_file
        assert paper is not None
        field = paper.file
        content_type = paper.content_type
        suffix = (paper.file.name or "").rsplit(".", 1)[-1]
        name = f"giay-to-{item.pk}.{suffix}"
    with field.storage.open(field.name or "", "rb") as fh:
        return fh.read(), content_type, name


def reuse(item: WarehouseItem, dossier: Dossier, component: DossierComponent, *,
          by: Any) -> DossierFile:
    """Copy a warehouse item into the applicant's draft (or completion) as the paper of
    ``component`` (D9): checked like an upload, marked reused, its source recorded."""
    from dossiers.submission import attach_file

    if owner_key(by) == "" or item.owner_key != owner_key(by):
        raise DossierError(_("This document is not in your data warehouse."))
    content, content_type, name = read_item(item)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    with transaction.atomic():
        stored = attach_file(dossier, component, upload, by=by)
        stored.reused = True
        stored.source = f"warehouse:{item.pk}"
        stored.original_name = item.title[:255]
        stored.save(update_fields=["reused", "source", "original_name"])
    return stored
