"""Dossiers (D1-D11): one state machine over the whole life of a dossier, its events and codes.

State changes happen only through the transitions below (the field is protected), called by
``dossiers.services`` inside a transaction holding the dossier's row lock; each writes an event.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.fsm import ProtectedStateMixin

from .states import Channel, Delivery, State


class Dossier(ProtectedStateMixin, ConcurrentTransitionMixin, models.Model):
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

    # -- the processing half (D5-D7) --
    processing_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True,
        related_name="processed_dossiers", verbose_name=_("processing agency"),
        help_text=_("The agency whose internal process settles the dossier (TH 11.2)."),
    )
    current_step = models.ForeignKey(
        "DossierStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("current step"),
    )
    rescheduled_due_at = models.DateTimeField(
        _("new appointment"), null=True, blank=True,
        help_text=_("Set once by the apology letter; the legal due time stays as it was and "
                    "reports still count the dossier as late (LEGAL-NOTES §3)."),
    )
    apologised_at = models.DateTimeField(_("apology issued"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned"), null=True, blank=True)
    intake_warned_at = models.DateTimeField(
        _("intake officers warned"), null=True, blank=True,
        help_text=_("The intake due-soon warning was sent (once per due instant)."))
    overdue_at = models.DateTimeField(
        _("marked overdue"), null=True, blank=True,
        help_text=_("The intake or result due time passed; the agency lead was told (once per "
                    "due instant)."))
    synced_at = models.DateTimeField(
        _("last acknowledged by the national portal"), null=True, blank=True,
        help_text=_("Set by the DVCQG outbox when the portal acknowledges the latest event."),
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["receiving_agency", "state", "intake_due_at"]),
            models.Index(fields=["receiving_agency", "state", "processing_due_at"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["processing_agency", "state", "processing_due_at"]),
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

    @transition(field=state, source=[State.DRAFT, State.SUBMITTED, State.INCOMPLETE,
                                     State.RECEIVED, State.PROCESSING,
                                     State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT],
                target=State.WITHDRAWN)
    def withdraw(self) -> None:
        """The applicant withdraws while no decision or result exists (Decree 118/2025
        Art. 21); the service checks the "no result yet" guard."""

    # -- processing (D5-D7) --

    @transition(field=state, source=State.RECEIVED, target=State.PROCESSING)
    def start_processing(self) -> None:
        """Right after intake the dossier moves to the processing agency and its first step
        (TH 11.2)."""

    @transition(field=state, source=State.PROCESSING, target=State.WAITING_SUPPLEMENT)
    def ask_supplement(self) -> None:
        """Found incomplete during processing: the applicant must supplement; the clock stops
        (D6, W4)."""

    @transition(field=state, source=State.WAITING_SUPPLEMENT, target=State.PROCESSING)
    def supplement(self) -> None:
        """The applicant sends the supplement; the clock runs again (LEGAL-NOTES §3)."""

    @transition(field=state, source=State.PROCESSING, target=State.WAITING_PAYMENT)
    def ask_payment(self) -> None:
        """Fees or obligations decided during processing: the clock stops until paid (D6)."""

    @transition(field=state, source=State.WAITING_PAYMENT, target=State.PROCESSING)
    def confirm_payment(self) -> None:
        """The payment is confirmed; the clock runs again."""

    @transition(field=state, source=[State.RECEIVED, State.PROCESSING,
                                     State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT],
                target=State.STOPPED)
    def stop(self) -> None:
        """The agency stops processing while no decision or result exists (Decree 118/2025
        Art. 21; Circular 03/2025 Art. 7); the stop notice is issued."""

    @transition(field=state, source=State.PROCESSING, target=State.SETTLED)
    def settle(self) -> None:
        """The last step is done and the signed result exists (D7)."""

    @transition(field=state, source=State.SETTLED, target=State.RETURNED)
    def return_result(self) -> None:
        """The result reaches the applicant: online, at the counter or by post (D7)."""


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
    reused = models.BooleanField(
        _("reused from the data warehouse"), default=False,
        help_text=_("Taken from the applicant's data warehouse instead of uploaded (D9)."),
    )
    source = models.CharField(
        _("source"), max_length=80, blank=True,
        help_text=_("Where a reused paper came from, e.g. “result:123” or “warehouse:45”."),
    )

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
        APOLOGY = "apology", _("apology and new appointment")
        STOP_NOTICE = "stop_notice", _("notice of stopped processing")

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


class DossierStep(models.Model):
    """One step of the internal process, instantiated for a dossier (D5): who holds it, when it
    is due by its budget, and how it ended. A dossier has at most one open step at a time."""

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        SENT_BACK = "sent_back", _("sent back to the previous step")
        CANCELLED = "cancelled", _("cancelled")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    #: The dossier's procedure, copied when the step opens (a dossier never changes procedure),
    #: so the processing queue filters and counts by procedure from the open-step indexes.
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("procedure"),
    )
    process_step = models.ForeignKey(
        "procedures.ProcessStep", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("process step"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=255)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="dossier_steps",
        verbose_name=_("agency"),
        help_text=_("The processing agency, or the other agency of an inter-agency step."),
    )
    unit = models.CharField(_("responsible unit"), max_length=255, blank=True)
    role = models.CharField(_("responsible role"), max_length=20, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="dossier_steps", verbose_name=_("assignee"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assigned by"),
    )
    is_inter_agency = models.BooleanField(_("inter-agency step"), default=False)
    budget_seconds = models.PositiveIntegerField(_("budget (working seconds)"))
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome, blank=True)
    note = models.TextField(_("note"), blank=True)
    paused_seconds = models.PositiveIntegerField(
        _("working time waiting for the applicant (s)"), default=0)
    warned_at = models.DateTimeField(
        _("officer warned"), null=True, blank=True,
        help_text=_("The due-soon warning was sent (once per due instant)."))
    overdue_at = models.DateTimeField(
        _("marked overdue"), null=True, blank=True,
        help_text=_("Marked overdue and the agency lead told (once per due instant)."))
    #: The dossier waits for the applicant (its clock stands still): a copy of
    #: ``Dossier.paused_since is not None`` kept by ``dossiers.processing`` in the same
    #: transitions, so the processing queue filters and counts without reading the dossiers.
    clock_stopped = models.BooleanField(_("clock stopped"), default=False)

    class Meta:
        ordering = ["dossier", "started_at", "id"]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        indexes = [
            models.Index(fields=["assignee", "finished_at", "due_at"]),
            models.Index(fields=["agency", "finished_at", "due_at"]),
            models.Index(fields=["finished_at", "due_at"], name="open_step_due_idx",
                         condition=models.Q(finished_at__isnull=True)),
            # the processing queue: each visibility branch read in due order, and counted
            # from the index alone (INCLUDE), over open steps only
            models.Index(fields=["assignee", "due_at", "id"], name="open_step_assignee_idx",
                         include=["agency", "clock_stopped", "procedure"],
                         condition=models.Q(finished_at__isnull=True)),
            models.Index(fields=["agency", "due_at", "id"], name="open_step_agency_idx",
                         include=["assignee", "unit", "clock_stopped", "procedure"],
                         condition=models.Q(finished_at__isnull=True)),
            # the steps waiting for someone to take them (a processing officer's branch)
            models.Index(fields=["agency", "due_at", "id"], name="open_unassigned_step_idx",
                         include=["assignee", "unit", "clock_stopped", "procedure"],
                         condition=models.Q(finished_at__isnull=True, assignee__isnull=True)),
            # the queue filtered by one procedure
            models.Index(fields=["procedure", "due_at", "id"], name="open_step_procedure_idx",
                         include=["agency", "assignee", "unit", "clock_stopped"],
                         condition=models.Q(finished_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=models.Q(finished_at=None),
                                    name="one_open_step_per_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.order}. {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.procedure_id is None and self.dossier_id is not None:
            self.procedure_id = self.dossier.procedure_id
        super().save(*args, **kwargs)


def _private_result_path(instance: DossierResult, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"dossiers/{instance.dossier_id}/results/{uuid.uuid4().hex}{suffix}"


class DossierResult(models.Model):
    """The result of a dossier (D7): the document uploaded or generated, then signed (PAdES)
    by the agency leader. Only a signed result can be released (TG 16.4)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="results")
    title = models.CharField(_("title"), max_length=255)
    number = models.CharField(_("number"), max_length=80, blank=True)
    file = models.FileField(_("unsigned document"), upload_to=_private_result_path,
                            max_length=255)
    signed_file = models.FileField(_("signed document"), upload_to=_private_result_path,
                                   max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the signed document"), max_length=64, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("prepared by"),
    )
    prepared_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signer_subject = models.CharField(_("certificate subject"), max_length=500, blank=True)

    class Meta:
        ordering = ["dossier", "prepared_at"]
        verbose_name = _("dossier result")
        verbose_name_plural = _("dossier results")

    def __str__(self) -> str:
        return f"{self.title} — {self.dossier}"

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_file) and self.signed_at is not None
