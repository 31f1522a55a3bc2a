"""The custom user (citizens and officers alike) and officers' agency memberships (U1-U6)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .validators import validate_organisation_code, validate_personal_id, validate_phone


class User(AbstractUser):
    """A person who signs in: a citizen, an organisation's representative or an officer."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANISATION = "organisation", _("Organisation")
        OFFICER = "officer", _("Officer")

    class IdentitySource(models.TextChoices):
        LOCAL = "local", _("Local account")
        VNEID = "vneid", _("VNeID (national identity)")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(_("account type"), max_length=16, choices=Kind, default=Kind.CITIZEN)
    personal_id = models.CharField(
        _("personal ID number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_personal_id],
        help_text=_("The 12-digit number of the citizen identity card (căn cước)."),
    )
    organisation_code = models.CharField(
        _("organisation code"),
        max_length=14,
        blank=True,
        validators=[validate_organisation_code],
        help_text=_("Enterprise or tax code, for organisations."),
    )
    organisation_name = models.CharField(_("organisation name"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    identity_source = models.CharField(
        _("identity source"), max_length=16, choices=IdentitySource, default=IdentitySource.LOCAL
    )
    oidc_subject = models.CharField(
        _("national identity subject"), max_length=255, null=True, blank=True, unique=True
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    security_stamp = models.PositiveIntegerField(
        _("security stamp"),
        default=0,
        editable=False,
        help_text=_("Raised when access is revoked; sessions with an older stamp end at once."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_officer(self) -> bool:
        return self.kind == self.Kind.OFFICER


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        """Memberships in force now: active, started, not ended, in an active agency."""
        now = timezone.now()
        return self.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=now),
            is_active=True,
            started_at__lte=now,
            agency__is_active=True,
        )


class Membership(models.Model):
    """An officer's role in one agency. An officer may hold several (U2-U6)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("agency"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=[c for c in Role.choices if c[0] != Role.CITIZEN]
    )
    unit = models.CharField(_("unit"), max_length=255, blank=True)
    leads_unit = models.BooleanField(
        _("leads the unit"), default=False,
        help_text=_("The head of the unit (trưởng phòng): assigns the unit's dossier steps to "
                    "its officers. For a processing officer with a unit."))
    is_active = models.BooleanField(_("active"), default=True)
    started_at = models.DateTimeField(_("from"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency role")
        verbose_name_plural = _("agency roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role_per_agency"
            )
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"

    def clean(self) -> None:
        super().clean()
        if self.leads_unit and (self.role != Role.PROCESSING_OFFICER or not self.unit.strip()):
            raise ValidationError({"leads_unit": _(
                "Only a processing officer of a named unit can lead it.")})
