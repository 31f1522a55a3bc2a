"""Feedback (phản ánh, kiến nghị, K1-K3) and satisfaction surveys (K4).

A feedback item is one protected state machine, moved only by ``feedback.services`` under the
row lock; every transition writes a :class:`FeedbackEvent` (as for dossiers)::

    received ─classify→ classified ─assign→ assigned ─coordinate→ coordinating
        │                   │                  │  ↖ reassign (keeps the deadline)  │
        └──────reject───────┘                  └──answer→ answered ←──answer───────┘
                                                           ├─publish→ published
                                                           └─close→ closed
    answered / published / closed ─reopen→ assigned  (the sender contests the answer)

The sender's personal data (name, ID number, phone, e-mail, address) never leaves the staff
pages: the public pages read only question, answer, agency and dates (K3, TG 8.4, TN 15.3).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.fsm import ProtectedStateMixin


class Channel(models.TextChoices):
    PORTAL = "portal", _("the portal's feedback page")
    EMAIL = "email", _("e-mail")
    HOTLINE = "hotline", _("hotline")
    POST = "post", _("post")
    IN_PERSON = "in_person", _("in person")
    API = "api", _("connected system (national portal, 1022)")


#: Channels whose items agency staff enter by hand, with the real received time (TH 14.3).
STAFF_CHANNELS = (Channel.EMAIL, Channel.HOTLINE, Channel.POST, Channel.IN_PERSON)


class Category(models.TextChoices):
    PROCEDURE = "procedure", _("about a procedure")
    DOSSIER = "dossier", _("about a dossier")
    CONDUCT = "conduct", _("about an officer's conduct")
    OUT_OF_SCOPE = "out_of_scope", _("out of scope")


class State(models.TextChoices):
    RECEIVED = "received", _("received")
    CLASSIFIED = "classified", _("classified")
    ASSIGNED = "assigned", _("assigned to the responsible agency")
    COORDINATING = "coordinating", _("coordinating with other agencies")
    ANSWERED = "answered", _("answered")
    PUBLISHED = "published", _("answer published")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected as out of scope")


#: States in which the agency still owes an answer: the deadline runs.
OPEN_STATES = (State.RECEIVED, State.CLASSIFIED, State.ASSIGNED, State.COORDINATING)


class FeedbackSource(models.Model):
    """A connected system pushing feedback through the API (the national portal, a 1022 hotline
    system), each with its own token; only the SHA-256 of the token is stored."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    token_sha256 = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback source system")
        verbose_name_plural = _("feedback source systems")

    def __str__(self) -> str:
        return self.name


class Feedback(ProtectedStateMixin, ConcurrentTransitionMixin, models.Model):
    code = models.CharField(_("feedback code"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    source = models.ForeignKey(FeedbackSource, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="items", verbose_name=_("source system"))
    external_id = models.CharField(_("external id"), max_length=80, blank=True)

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="feedback_items",
                               verbose_name=_("sender account"))
    sender_name = models.CharField(_("sender"), max_length=255)
    sender_id_number = models.CharField(_("personal ID"), max_length=20, blank=True)
    sender_phone = models.CharField(_("phone"), max_length=20, blank=True)
    sender_email = models.EmailField(_("e-mail"), blank=True)
    sender_address = models.CharField(_("address"), max_length=500, blank=True)

    title = models.CharField(_("subject"), max_length=255)
    content = models.TextField(_("content"))
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    category = models.CharField(_("category"), max_length=16, choices=Category, blank=True)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("procedure"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("dossier"))
    intake_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("entered by agency"))
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True,
        related_name="feedback_items", verbose_name=_("responsible agency"))
    coordinating_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+",
        verbose_name=_("coordinating agencies"))

    state = FSMField(_("state"), default=State.RECEIVED, choices=State.choices, protected=True,
                     db_index=True)

    received_at = models.DateTimeField(_("received"))
    entered_at = models.DateTimeField(_("entered in the system"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    late_entry = models.BooleanField(
        _("entered late"), default=False,
        help_text=_("Entered more than 8 working hours after it was received (TH 14.3)."))
    due_at = models.DateTimeField(_("answer due"))
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=500, blank=True)

    rating_token_sha256 = models.CharField(max_length=64, blank=True, db_index=True,
                                           editable=False)
    rating = models.PositiveSmallIntegerField(_("sender's rating (1-5)"), null=True,
                                              blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["agency", "state", "due_at"]),
            models.Index(fields=["intake_agency", "state", "due_at"]),
            models.Index(fields=["state", "due_at"]),
            # the staff queue: by deadline; open items for the province and per agency
            models.Index(fields=["due_at", "id"], name="feedback_due"),
            models.Index(fields=["due_at", "id"], name="feedback_open_due",
                         condition=models.Q(state__in=OPEN_STATES)),
            models.Index(fields=["agency", "due_at", "id"], name="feedback_open_agency_due",
                         condition=models.Q(state__in=OPEN_STATES)),
            # an agency officer's queue, one index per branch (feedback.selectors.QueueWindow):
            # its agency's items in any state, and those it entered still waiting for triage
            models.Index(fields=["agency", "due_at", "id"], name="feedback_agency_due"),
            models.Index(fields=["intake_agency", "due_at", "id"],
                         name="feedback_waiting_intake_due",
                         condition=models.Q(agency__isnull=True,
                                            state__in=(State.RECEIVED, State.CLASSIFIED))),
            models.Index(fields=["-published_at", "-id"], name="feedback_published",
                         condition=models.Q(state="published")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"],
                                    condition=~models.Q(external_id=""),
                                    name="feedback_external_id_once"),
        ]

    def __str__(self) -> str:
        return self.code

    # -- transitions (called by feedback.services only) --------------------------------------

    @transition(field=state, source=State.RECEIVED, target=State.CLASSIFIED)
    def classify(self) -> None:
        """Province staff say what the item is about."""

    @transition(field=state, source=[State.RECEIVED, State.CLASSIFIED], target=State.REJECTED)
    def reject(self) -> None:
        """Out of scope of administrative procedures; the reason goes to the sender."""

    @transition(field=state, source=State.CLASSIFIED, target=State.ASSIGNED)
    def assign(self) -> None:
        """Sent to the responsible agency."""

    @transition(field=state, source=[State.ASSIGNED, State.COORDINATING], target=State.ASSIGNED)
    def reassign(self) -> None:
        """Moved to another agency; the original deadline stays (K2)."""

    @transition(field=state, source=[State.ASSIGNED, State.COORDINATING],
                target=State.COORDINATING)
    def coordinate(self) -> None:
        """The agency asks other agencies to contribute (TH 14.4)."""

    @transition(field=state, source=[State.ASSIGNED, State.COORDINATING], target=State.ANSWERED)
    def answer_item(self) -> None:
        """The responsible agency answers the sender in the system."""

    @transition(field=state, source=State.ANSWERED, target=State.PUBLISHED)
    def publish(self) -> None:
        """The agency leader publishes the answer (TG 8.4, TN 15.3)."""

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED)
    def close(self) -> None:
        """Answered but not for publication (e.g. only of interest to the sender)."""

    @transition(field=state, source=[State.ANSWERED, State.PUBLISHED, State.CLOSED],
                target=State.ASSIGNED)
    def reopen(self) -> None:
        """The sender contests the answer; the agency takes it up again."""


class FeedbackEvent(models.Model):
    """Append-only history of a feedback item."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by (name)"), max_length=255, blank=True)
    transition = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16)
    reason = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["feedback", "at", "pk"]
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.transition}"


def _private_path(instance: FeedbackAttachment, filename: str) -> str:
    return f"feedback/{instance.feedback_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class FeedbackAttachment(models.Model):
    """A file sent with the feedback; stored privately, served only to staff who see the
    item."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_private_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("feedback attachment")
        verbose_name_plural = _("feedback attachments")

    def __str__(self) -> str:
        return self.original_name


class SurveyInvitation(models.Model):
    """A single-use, expiring link to the satisfaction survey sent when a dossier's result is
    returned (K4, TH 7.5). Only the token's SHA-256 is stored. The answer is NOT linked back to
    the invitation, so nobody can tell who answered what."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE,
                                   related_name="survey_invitation")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")

    def __str__(self) -> str:
        return f"survey {self.dossier_id}"


class SurveyAnswer(models.Model):
    """One anonymous answer: the agency, the month, the scores — no link to a person or a
    dossier (officers see aggregates only)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="survey_answers")
    answered_on = models.DateField(_("answered on"), db_index=True)
    intake_score = models.PositiveSmallIntegerField(_("intake (1-5)"))
    handling_score = models.PositiveSmallIntegerField(_("handling (1-5)"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [models.Index(fields=["agency", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.answered_on}"

    @property
    def satisfied(self) -> bool:
        return (self.intake_score + self.handling_score) >= 8
