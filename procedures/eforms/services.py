"""E-form rules: new definition versions, saving a filled form with its attachments."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from portal.audit.services import Action, record
from procedures.models import EForm, EFormVersion, FilledForm

from .attachments import CONTENT_TYPES, EXTENSIONS, detect_kind
from .builder import EFormForm
from .schema import validate_definition


@transaction.atomic
def new_version(form: EForm, definition: dict[str, Any], *, by: Any = None) -> EFormVersion:
    """Store ``definition`` as the form's next version, unless it equals the current one (then
    the current version is returned). Raises :class:`ValidationError` for a bad definition."""
    errors = validate_definition(definition)
    if errors:
        raise ValidationError(errors)
    locked = EForm.objects.select_for_update().get(pk=form.pk)
    current = locked.versions.order_by("-number").first()
    if current is not None and json.dumps(current.definition, sort_keys=True) == json.dumps(
            definition, sort_keys=True):
        return current
    version = EFormVersion.objects.create(
        form=locked, number=(current.number + 1) if current else 1, definition=definition,
        created_by=by if getattr(by, "pk", None) else None)
    record(Action.CREATE, actor=by, obj=version, message=f"e-form version {version.number}")
    return version


def store_attachment(user: Any, upload: UploadedFile) -> dict[str, Any]:
    """Save an upload (already checked) under ``eforms/<user id>/`` and describe it."""
    upload.seek(0)
    kind = detect_kind(upload.read(16)) or "pdf"
    upload.seek(0)
    path = default_storage.save(f"eforms/{user.pk}/{uuid.uuid4().hex}{EXTENSIONS[kind]}", upload)
    return {"path": path, "name": upload.name, "size": upload.size,
            "content_type": CONTENT_TYPES[kind]}


@transaction.atomic
def save_filled_form(version: EFormVersion, user: Any, form: EFormForm) -> FilledForm:
    """Save a valid bound form as the user's filled form (attachments stored first)."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    stored: list[str] = []

    def store(upload: UploadedFile, spec: dict[str, Any]) -> dict[str, Any]:
        info = store_attachment(user, upload)
        stored.append(info["path"])
        return info

    try:
        data = form.cleaned_json(store_file=store)
        filled = FilledForm.objects.create(version=version, user=user, data=data)
    except Exception:
        for path in stored:  # nothing half-saved: remove the files of a failed save
            default_storage.delete(path)
        raise
    record(Action.CREATE, actor=user, obj=filled, message=f"filled e-form {version.form.code}")
    return filled


def reusable_data(user: Any) -> dict[str, Any]:
    """The values other forms may reuse for ``user`` (most recent per field name)."""
    from .autofill import earlier_values

    return earlier_values(user)
