"""Dossiers (D1-D11): one state machine over the whole life of a dossier, its events and codes.

State changes happen only through the transitions below (the field is protected), called by
``dossiers.services`` inside a transaction holding the dossier's row lock; each writes an event.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .states import Channel, Delivery, State


class Dossier(ConcurrentTransitionMixin, models.Model):
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True,
                            blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers",
        verbose_name=_("procedure"),
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers",
        verbose_name=_("procedure version"),
        help_text=_("The published version the dossier was submitted under (P3)."),
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="received_dossiers",
        verbose_name=_("receiving agency"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="dossiers", verbose_name=_("applicant account"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_id_number = models.CharField(_("personal ID or organisation code"),
                                           max_length=20, blank=True, db_index=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(_("representative"), max_length=255, blank=True)
    representative_id_number = models.CharField(_("representative's ID"), max_length=20,
                                                blank=True)
    representative_authorisation = models.CharField(_("authorisation"), max_length=255,
                                                    blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel,
                               default=Channel.ONLINE)
    delivery = models.CharField(_("result delivery"), max_length=10, choices=Delivery,
                                default=Delivery.ONLINE)
    delivery_address = models.CharField(_("delivery address"), max_length=500, blank=True)
    filled_form = models.ForeignKey(
        "procedures.FilledForm", on_delete=models.PROTECT, null=True, blank=True,
        related_name="dossiers", verbose_name=_("e-form"),
    )
    summary = models.CharField(_("request"), max_length=500, blank=True)

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True,
                     db_index=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    intake_due_at = models.DateTimeField(_("intake due"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    processing_due_at = models.DateTimeField(_("result due"), null=True, blank=True)
    completion_due_at = models.DateTimeField(
        _("completion due"), null=True, blank=True,
        help_text=_("A dossier asked to complete is closed when not completed by then."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    paused_since = models.DateTimeField(_("clock stopped since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(
        _("working time waiting for the applicant (s)"), default=0
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["receiving_agency", "state", "intake_due_at"]),
            models.Index(fields=["receiving_agency", "state", "processing_due_at"]),
            models.Index(fields=["applicant", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    # -- transitions (called by dossiers.services only) --------------------------------------

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self) -> None:
        """The applicant (or the national portal) submits the dossier online (D1)."""

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def receive_from_portal(self) -> None:
        """A dossier submitted on the National Public Service Portal arrives (D1, I2)."""

    @transition(field=state, source=State.INCOMPLETE, target=State.SUBMITTED)
    def resubmit(self) -> None:
        """The applicant sends the completed dossier; intake starts again (LEGAL-NOTES §3)."""

    @transition(field=state, source=State.SUBMITTED, target=State.RECEIVED)
    def accept(self) -> None:
        """The one-stop officer receives the dossier officially (D2)."""

    @transition(field=state, source=State.DRAFT, target=State.RECEIVED)
    def register_at_counter(self) -> None:
        """Counter or postal intake: registered and received at once (D3)."""

    @transition(field=state, source=State.SUBMITTED, target=State.INCOMPLETE)
    def ask_to_complete(self) -> None:
        """One request listing every defect (D2; LEGAL-NOTES §3)."""

    @transition(field=state, source=State.SUBMITTED, target=State.REFUSED)
    def refuse(self) -> None:
        """Refused at intake, with reasons (D2)."""

    @transition(field=state, source=State.INCOMPLETE, target=State.REFUSED)
    def close_incomplete(self) -> None:
        """Not completed within the completion period: closed by the system."""

    @transition(field=state, source=[State.DRAFT, State.SUBMITTED, State.INCOMPLETE],
                target=State.WITHDRAWN)
    def withdraw(self) -> None:
        """The applicant withdraws before any decision (Decree 118/2025 Art. 21)."""


class DossierEvent(models.Model):
    """One transition: who, when, from which state to which, why (D11). Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    actor_kind = models.CharField(_("by (kind)"), max_length=10)
    actor_name = models.CharField(_("by (name)"), max_length=255, blank=True)
    transition = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier history")

    def __str__(self) -> str:
        return f"{self.dossier} {self.from_state} → {self.to_state}"


class DossierSequence(models.Model):
    """The running number of dossier codes per agency and day (Circular 03/2025 Art. 13)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


def _private_upload_path(instance: DossierFile, filename: str) -> str:
    return f"dossiers/{instance.dossier_id}/files/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def _private_document_path(instance: DossierDocument, filename: str) -> str:
    return f"dossiers/{instance.dossier_id}/documents/{instance.kind}-{uuid.uuid4().hex}.pdf"


class DossierFile(models.Model):
    """A paper of the dossier, uploaded by the applicant or scanned at the counter (D1, D3).
    Stored privately; served only through permission-checked views."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(
        "procedures.DossierComponent", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("dossier component"),
    )
    file = models.FileField(_("file"), upload_to=_private_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    digitized = models.BooleanField(
        _("digitized at the counter"), default=False,
        help_text=_("Scanned from paper by the one-stop officer (Circular 01/2023)."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["dossier", "component__order", "uploaded_at"]
        verbose_name = _("dossier file")
        verbose_name_plural = _("dossier files")

    def __str__(self) -> str:
        return self.original_name


class DossierDocument(models.Model):
    """A document the system issues for a dossier (D4, Circular 03/2025 Annex I), rendered to
    PDF from the dossier's data; regenerating it gives the same text."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt and appointment")
        COMPLETION_REQUEST = "completion_request", _("request to complete the dossier")
        REFUSAL = "refusal", _("refusal to receive")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=24, choices=Kind)
    event = models.ForeignKey(
        DossierEvent, on_delete=models.CASCADE, related_name="documents",
        verbose_name=_("issued at event"),
    )
    file = models.FileField(_("file"), upload_to=_private_document_path, max_length=255,
                            blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["dossier", "created_at"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="document_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.dossier}"
