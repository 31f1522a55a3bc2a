"""The procedures catalogue (P1-P6): procedures with their public information, publication
decisions and versions, interactive e-forms and internal processes.

A :class:`Procedure` holds the current, editable information in normal tables. Publishing it
(``services.publish``) freezes that information into a :class:`ProcedureVersion` snapshot, so a
dossier can always show the version it was submitted under (P3).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.text import fold

NATIONAL_CODE_VALIDATOR = RegexValidator(
    r"^\d\.\d{6}$",
    _("A national procedure code has the form 1.001193 (National Database on Procedures)."),
)


class TimeUnit(models.TextChoices):
    """How a processing time or a step budget is counted (always through the calendar)."""

    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    SAME_DAY = "same_day", _("the same working day")


class Channel(models.TextChoices):
    """Methods of carrying out a procedure (P1)."""

    ONLINE = "online", _("online")
    COUNTER = "counter", _("at the counter")
    POSTAL = "postal", _("by post")


class OnlineLevel(models.TextChoices):
    """Online service level, Decree 42/2022/NĐ-CP Art. 11 (P2)."""

    FULL = "full", _("full online")
    PARTIAL = "partial", _("partly online")
    NONE = "none", _("not online")


class Field(models.Model):
    """A field of administrative procedures (lĩnh vực)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class LegalDocument(models.Model):
    """A legal document a procedure is based on (number, date, issuer)."""

    number = models.CharField(_("number"), max_length=80)
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        constraints = [
            models.UniqueConstraint(fields=["number", "issuer"], name="legal_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def published(self) -> ProcedureQuerySet:
        """Procedures shown to the public: published, suspended or abolished (with the reason)."""
        return self.exclude(status=Procedure.Status.DRAFT)

    def accepting(self) -> ProcedureQuerySet:
        return self.filter(status=Procedure.Status.PUBLISHED)


class Procedure(models.Model):
    """An administrative procedure as published for the province (P1, P2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SUSPENDED = "suspended", _("suspended")
        ABOLISHED = "abolished", _("abolished")

    national_code = models.CharField(
        _("national code"), max_length=20, unique=True, validators=[NATIONAL_CODE_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("field")
    )
    level = models.ForeignKey(
        "agencies.AgencyLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("level"),
    )
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="owned_procedures",
        verbose_name=_("managing agency"),
        help_text=_("The agency whose administrators maintain this procedure."),
    )
    receiving_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="receiving_procedures", blank=True,
        verbose_name=_("receiving agencies"),
    )
    deciding_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="deciding_procedures", blank=True,
        verbose_name=_("deciding agencies"),
    )
    implementing_agency_text = models.CharField(
        _("implementing agency (as published)"), max_length=500, blank=True
    )
    steps = models.TextField(_("sequence of steps"), blank=True)
    subjects = models.TextField(_("subjects"), blank=True)
    result = models.TextField(_("result"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    fee_text = models.TextField(
        _("fees and charges (as published)"), blank=True,
        help_text=_("The published wording; amounts per method are in the fee rows."),
    )
    processing_time = models.DecimalField(
        _("processing time"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    processing_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit, default=TimeUnit.WORKING_DAYS
    )
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"), null=True, blank=True,
        help_text=_("Received after this time, a same-day procedure ends the next working day."),
    )
    online_level = models.CharField(
        _("online service level"), max_length=10, choices=OnlineLevel, default=OnlineLevel.NONE
    )
    legal_basis = models.ManyToManyField(
        LegalDocument, blank=True, related_name="procedures", verbose_name=_("legal basis")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, db_index=True
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_since = models.DateTimeField(_("since"), null=True, blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Demo data, marked as such on its page.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        indexes = [
            models.Index(fields=["status", "field"]),
            models.Index(fields=["status", "online_level"]),
            models.Index(fields=["status", "level"]),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def build_search_text(self) -> str:
        """Code, name and field, folded (``portal.text.fold``) for accent-insensitive search."""
        field_name = self.field.name if self.field_id else ""
        return fold(f"{self.national_code} {self.name} {field_name}")

    @property
    def accepts_dossiers(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def offers_online_submission(self) -> bool:
        return self.accepts_dossiers and self.online_level in (OnlineLevel.FULL,
                                                               OnlineLevel.PARTIAL)


class ProcedureMethod(models.Model):
    """A method of carrying out the procedure with its own processing time (P1)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="methods")
    channel = models.CharField(_("method"), max_length=10, choices=Channel)
    processing_time = models.DecimalField(
        _("processing time"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    processing_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit, default=TimeUnit.WORKING_DAYS
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["procedure", "channel"]
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "channel"], name="method_unique")
        ]

    def __str__(self) -> str:
        return self.get_channel_display()


class Fee(models.Model):
    """A fee or charge (phí, lệ phí), a fixed amount or a rule, optionally per method (F1)."""

    class Kind(models.TextChoices):
        FEE = "fee", _("fee")
        CHARGE = "charge", _("charge")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.CHARGE)
    channel = models.CharField(
        _("method"), max_length=10, choices=Channel, blank=True,
        help_text=_("Empty when the amount is the same for every method."),
    )
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    rule = models.TextField(_("rule"), blank=True, help_text=_("When the amount varies by case."))
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["procedure", "kind", "channel"]
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_vnd__isnull=True, rule=""), name="fee_amount_or_rule"
            )
        ]

    def __str__(self) -> str:
        return self.description or self.get_kind_display()


class EForm(models.Model):
    """An interactive e-form (P4). Its code is ``<national procedure code>.<symbol>``
    (Thái Nguyên 47/2025 Art. 14.3.b)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="forms")
    symbol = models.CharField(
        _("form symbol"), max_length=20,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Letters, digits, - and _ only."))],
    )
    name = models.CharField(_("name"), max_length=255)
    signature_required = models.BooleanField(_("signature required"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["procedure", "symbol"]
        verbose_name = _("e-form")
        verbose_name_plural = _("e-forms")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "symbol"], name="eform_unique_symbol")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        return f"{self.procedure.national_code}.{self.symbol}"

    @property
    def current_version(self) -> EFormVersion | None:
        return self.versions.order_by("-number").first()


class EFormVersion(models.Model):
    """One version of an e-form's field definition (JSON, see ``procedures/eforms``).
    Versions are never edited once a dossier used them; a change makes a new version."""

    form = models.ForeignKey(EForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("field definition"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["form", "-number"]
        verbose_name = _("e-form version")
        verbose_name_plural = _("e-form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="eform_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form.code} v{self.number}"


class FilledForm(models.Model):
    """A person's filled e-form: printed as PDF, attached to a dossier later, and the source of
    "reuse of data" when the same person fills another form (P4)."""

    version = models.ForeignKey(
        EFormVersion, on_delete=models.PROTECT, related_name="filled", verbose_name=_("e-form")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filled_forms",
        verbose_name=_("filled by"),
    )
    data = models.JSONField(_("data"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("filled e-form")
        verbose_name_plural = _("filled e-forms")
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.version} — {self.user}"


class DossierComponent(models.Model):
    """A paper of the dossier (thành phần hồ sơ) with its number of copies (P1)."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", _("required")
        CONDITIONAL = "conditional", _("conditional")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    requirement = models.CharField(
        _("requirement"), max_length=12, choices=Requirement, default=Requirement.REQUIRED
    )
    condition = models.CharField(_("when required"), max_length=500, blank=True)
    form = models.ForeignKey(
        EForm, on_delete=models.SET_NULL, null=True, blank=True, related_name="components",
        verbose_name=_("e-form that fills it"),
    )

    class Meta:
        ordering = ["procedure", "order", "id"]
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")

    def __str__(self) -> str:
        return self.name


class InternalProcess(models.Model):
    """The internal process of a procedure in one agency (quy trình nội bộ, P5)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="processes"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="processes",
        verbose_name=_("agency"),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("internal process")
        verbose_name_plural = _("internal processes")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "agency"], name="process_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} — {self.agency}"


class ProcessStep(models.Model):
    """One step of an internal process with its responsible unit and time budget (P5)."""

    process = models.ForeignKey(InternalProcess, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=255)
    unit = models.CharField(_("responsible unit"), max_length=255)
    role = models.CharField(
        _("responsible role"), max_length=20, blank=True,
        choices=[("intake", _("One-stop officer")), ("processing", _("Processing officer")),
                 ("leader", _("Agency leader"))],
    )
    budget = models.DecimalField(
        _("time budget"), max_digits=6, decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_unit = models.CharField(
        _("unit"), max_length=16, default=TimeUnit.WORKING_HOURS,
        choices=[(TimeUnit.WORKING_HOURS, TimeUnit.WORKING_HOURS.label),
                 (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_DAYS.label)],
    )
    other_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("other agency (inter-agency step)"),
    )

    class Meta:
        ordering = ["process", "order"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="step_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def is_inter_agency(self) -> bool:
        return self.other_agency_id is not None


class PublicationDecision(models.Model):
    """A Chairman's publication decision (quyết định công bố), P3. It must be live in the
    system within 5 working days of its receipt (TH 8.1, TG 11.1)."""

    number = models.CharField(_("number"), max_length=80, unique=True)
    signed_on = models.DateField(_("date signed"))
    signer = models.CharField(_("signer"), max_length=255)
    received_at = models.DateTimeField(_("received"))
    file = models.FileField(_("file"), upload_to="decisions/%Y/", blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    applied_at = models.DateTimeField(_("live since"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("applied by"),
    )

    class Meta:
        ordering = ["applied_at", "-received_at"]
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")
        indexes = [models.Index(fields=["applied_at", "received_at"])]

    def __str__(self) -> str:
        return self.number


class DecisionItem(models.Model):
    """What a decision does to one procedure."""

    class Change(models.TextChoices):
        NEW = "new", _("new")
        AMENDED = "amended", _("amended")
        REPLACED = "replaced", _("replaced")
        ABOLISHED = "abolished", _("abolished")

    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.CASCADE, related_name="items"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="decision_items",
        verbose_name=_("procedure"),
    )
    change = models.CharField(_("change"), max_length=10, choices=Change)
    replaces = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
        verbose_name=_("replaces"), help_text=_("For a replacement: the procedure it replaces."),
    )

    class Meta:
        verbose_name = _("decision item")
        verbose_name_plural = _("decision items")
        constraints = [
            models.UniqueConstraint(fields=["decision", "procedure"], name="decision_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision} — {self.get_change_display()} {self.procedure.national_code}"


class ProcedureVersion(models.Model):
    """A frozen snapshot of a procedure's public information, made at each publication (P3)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.PROTECT, null=True, blank=True,
        related_name="versions", verbose_name=_("decision"),
    )
    published_at = models.DateTimeField(_("published"))
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} v{self.number}"
