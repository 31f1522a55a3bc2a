"""The citizen's draft wizard (D1): files per dossier component with their checks and limits, the
result delivery, the dossier's e-form, and the completeness check before submission.

Plain functions shared by the HTML pages and the API. State changes still go through
:mod:`dossiers.services`; these functions only edit what the applicant may edit while the
dossier is theirs to edit (a draft, or a dossier asked to complete for its files).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from procedures.eforms.attachments import CONTENT_TYPES, EXTENSIONS, check_upload
from procedures.eforms.schema import validate_definition
from procedures.models import DossierComponent, EForm, EFormVersion, FilledForm

from . import services
from .models import Dossier, DossierFile
from .services import DossierError
from .states import Delivery, State

#: At most this many megabytes per uploaded file.
MAX_FILE_MB = 10
#: At most this many megabytes for all the files of one dossier.
MAX_DOSSIER_MB = 50
#: The kinds accepted, detected from the content (not the name).
ACCEPTED_KINDS = ["pdf", "jpg", "png"]
_MB = 1024 * 1024

#: States in which the applicant adds or removes files.
FILES_EDITABLE = frozenset({State.DRAFT, State.INCOMPLETE})


class IncompleteDossier(DossierError):
    """The dossier cannot be sent yet; ``problems`` lists every reason, each translated."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


# -- guards ----------------------------------------------------------------------------------


def _check_owner(dossier: Dossier, user: Any) -> None:
    if user is None or dossier.applicant_id != getattr(user, "pk", None):
        raise DossierError(_("Only the applicant can do this."))


def _locked(dossier: Dossier, user: Any, states: frozenset[str]) -> Dossier:
    """The dossier row locked for the rest of the transaction, after the owner/state guards."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_owner(locked, user)
    if locked.state not in states:
        raise DossierError(
            _("This dossier is now “%(state)s”; it can no longer be changed.")
            % {"state": locked.get_state_display()})
    return locked


# -- files -----------------------------------------------------------------------------------


def total_size(dossier: Dossier) -> int:
    return dossier.files.aggregate(total=Sum("size"))["total"] or 0


def attach_file(dossier: Dossier, component: DossierComponent, upload: UploadedFile, *,
                by: Any, states: frozenset[str] = FILES_EDITABLE) -> DossierFile:
    """Store ``upload`` as a paper of ``component``: real type by content (PDF, JPEG, PNG), at
    most :data:`MAX_FILE_MB` per file and :data:`MAX_DOSSIER_MB` per dossier, no malware
    signature. Raises :class:`DossierError` with a message for the applicant."""
    if component.procedure_id != dossier.procedure_id:
        raise DossierError(_("This paper is not part of this procedure's dossier."))
    try:
        kind = check_upload(upload, accept=ACCEPTED_KINDS, max_size_mb=MAX_FILE_MB,
                            label=component.name)
    except ValidationError as error:
        raise DossierError(" ".join(error.messages)) from None
    size = upload.size or 0
    with transaction.atomic():
        locked = _locked(dossier, by, states)
        used = total_size(locked)
        if used + size > MAX_DOSSIER_MB * _MB:
            raise DossierError(
                _("All the files of a dossier may take at most %(limit)s MB; %(used)s MB are "
                  "already used and this file has %(size)s MB.")
                % {"limit": MAX_DOSSIER_MB, "used": f"{used / _MB:.1f}",
                   "size": f"{size / _MB:.1f}"})
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        stored = DossierFile(
            dossier=locked, component=component, original_name=(upload.name or "")[-255:],
            content_type=CONTENT_TYPES[kind],
            size=size, sha256=digest.hexdigest(),
            uploaded_by=by if getattr(by, "pk", None) else None)
        # The stored name takes the extension of the detected type, never the one given.
        stored.file.save(f"upload{EXTENSIONS[kind]}", File(upload), save=False)
        path = stored.file.name or ""
        try:
            stored.save()
        except Exception:
            stored.file.storage.delete(path)
            raise
    return stored


def remove_file(dossier: Dossier, file_pk: int, *, by: Any) -> None:
    """Remove one of the dossier's files (and its stored content once committed)."""
    with transaction.atomic():
        locked = _locked(dossier, by, FILES_EDITABLE)
        stored = locked.files.filter(pk=file_pk).first()
        if stored is None:
            raise DossierError(_("This file is not in the dossier any more."))
        storage, name = stored.file.storage, stored.file.name or ""
        stored.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


# -- delivery and e-form ---------------------------------------------------------------------


def set_delivery(dossier: Dossier, delivery: str, address: str = "", *, by: Any) -> Dossier:
    """How the applicant receives the result; a postal address is required for the post."""
    address = (address or "").strip()
    if delivery not in Delivery.values:
        raise DossierError(_("Choose how you want to receive the result."))
    if delivery == Delivery.POST and not address:
        raise DossierError(_("Give the postal address where the result is sent."))
    if len(address) > 500:
        raise DossierError(_("The address may have at most 500 characters."))
    with transaction.atomic():
        locked = _locked(dossier, by, frozenset({State.DRAFT}))
        locked.delivery = delivery
        locked.delivery_address = address if delivery == Delivery.POST else ""
        locked.save(update_fields=["delivery", "delivery_address"])
    dossier.delivery, dossier.delivery_address = locked.delivery, locked.delivery_address
    return locked


def eform_of(dossier: Dossier) -> tuple[EForm, EFormVersion] | None:
    """The procedure's first e-form in use with a valid current version, if any."""
    forms = EForm.objects.filter(procedure_id=dossier.procedure_id, is_active=True)
    for form in forms.order_by("symbol", "pk"):
        version = form.current_version
        if version is not None and not validate_definition(version.definition):
            return form, version
    return None


def link_eform(dossier: Dossier, filled: FilledForm, *, by: Any) -> Dossier:
    """Make ``filled`` (the applicant's own filled form of this procedure) the dossier's e-form."""
    if filled.user_id != getattr(by, "pk", None):
        raise DossierError(_("This filled form is not yours."))
    if filled.version.form.procedure_id != dossier.procedure_id:
        raise DossierError(_("This filled form belongs to another procedure."))
    with transaction.atomic():
        locked = _locked(dossier, by, frozenset({State.DRAFT}))
        locked.filled_form = filled
        locked.save(update_fields=["filled_form"])
    dossier.filled_form = filled
    return locked


def save_eform(dossier: Dossier, version: EFormVersion, form: Any, *, by: Any) -> FilledForm:
    """Save the bound, valid e-form as the applicant's filled form and link it to the draft."""
    from procedures.eforms.services import save_filled_form

    _check_owner(dossier, by)
    if dossier.state != State.DRAFT:
        raise DossierError(
            _("This dossier is now “%(state)s”; it can no longer be changed.")
            % {"state": dossier.get_state_display()})
    with transaction.atomic():
        filled = save_filled_form(version, by, form)
        link_eform(dossier, filled, by=by)
    return filled


# -- completeness and sending ----------------------------------------------------------------


def problems(dossier: Dossier) -> list[str]:
    """Every reason the dossier cannot be sent yet (empty when it is complete), translated."""
    found: list[str] = []
    current = eform_of(dossier)
    filled_form_id = None
    if dossier.filled_form_id:
        filled_form_id = (FilledForm.objects.filter(pk=dossier.filled_form_id)
                          .values_list("version__form_id", flat=True).first())
    if current is not None and dossier.filled_form_id is None:
        found.append(_("Fill in the e-form “%(name)s”.") % {"name": current[0].name})
    with_files = set(dossier.files.values_list("component_id", flat=True))
    for component in DossierComponent.objects.filter(
            procedure_id=dossier.procedure_id,
            requirement=DossierComponent.Requirement.REQUIRED).order_by("order", "pk"):
        if component.pk in with_files:
            continue
        if component.form_id and component.form_id == filled_form_id:
            continue  # this paper is the e-form the applicant filled in
        found.append(_("Attach “%(name)s”.") % {"name": component.name})
    if dossier.delivery == Delivery.POST and not dossier.delivery_address.strip():
        found.append(_("Give the postal address where the result is sent."))
    return found


def send(dossier: Dossier, *, by: Any) -> Dossier:
    """Submit the draft after the completeness check (raises :class:`IncompleteDossier`)."""
    _check_owner(dossier, by)
    missing = problems(dossier)
    if missing:
        raise IncompleteDossier(missing)
    return services.submit(dossier, by=by)


def send_again(dossier: Dossier, *, by: Any, note: str = "") -> Dossier:
    """Send the dossier completed after a request to complete it."""
    _check_owner(dossier, by)
    missing = problems(dossier)
    if missing:
        raise IncompleteDossier(missing)
    return services.resubmit(dossier, by=by, note=note)


def defects(dossier: Dossier) -> list[str]:
    """The defects listed in the last request to complete the dossier."""
    event = dossier.events.filter(transition="ask_to_complete").order_by("-at", "-id").first()
    if event is None:
        return []
    listed = (event.data or {}).get("defects") or []
    return [str(item) for item in listed if item]
