"""Agencies (A1-A2) and the province a deployment serves (A3).

Levels are rows, not code: the 2025 two-level reform (Thái Nguyên 47/2025 Art. 6.1.a) removed the
district level, which here is a data change.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Agency e-ID under QCVN 102:2016 / Circular 03/2025 Art. 13, e.g. ``000.00.20.H56``.
AGENCY_CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$",
    _("An agency code has the form 000.00.20.H56 (QCVN 102:2016)."),
)


class AgencyLevel(models.Model):
    """An administrative level: province, province department, district, commune …"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Ordering from the top level (0) downwards.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("agency level")
        verbose_name_plural = _("agency levels")

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)


class Agency(models.Model):
    """A body that receives or settles procedures; a tree through ``parent``."""

    code = models.CharField(
        _("agency e-ID"), max_length=20, unique=True, validators=[AGENCY_CODE_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    level = models.ForeignKey(
        AgencyLevel, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("level")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hotline = models.CharField(_("hotline"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    counter_name = models.CharField(_("one-stop counter"), max_length=255, blank=True)
    counter_address = models.CharField(_("counter address"), max_length=255, blank=True)
    counter_phone = models.CharField(_("counter phone"), max_length=30, blank=True)
    beneficiary_name = models.CharField(
        _("beneficiary account holder"), max_length=255, blank=True
    )
    beneficiary_account = models.CharField(
        _("beneficiary account number"), max_length=40, blank=True
    )
    beneficiary_bank = models.CharField(
        _("beneficiary bank or treasury"), max_length=255, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        indexes = [models.Index(fields=["parent", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """This agency and every agency below it (from the cached tree)."""
        from .tree import descendants

        return descendants({self.pk})


class Province(models.Model):
    """The single province this deployment serves (A3); edited in admin, read through
    :func:`Province.current`."""

    CACHE_KEY = "province:current"

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("province code"), max_length=3, help_text=_("The H-part of agency codes, e.g. H56.")
    )
    domain = models.CharField(_("portal domain"), max_length=255, blank=True)
    portal_name = models.CharField(
        _("portal name"), max_length=255, default="Cổng Dịch vụ công"
    )
    support_email = models.EmailField(_("support e-mail"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=30, blank=True)
    support_hotline = models.CharField(_("support hotline"), max_length=30, blank=True)
    owner = models.CharField(
        _("system owner"), max_length=255, blank=True, help_text=_("Published per TN 6.6.")
    )
    feedback_deadline_working_days = models.PositiveSmallIntegerField(
        _("feedback deadline (working days)"),
        default=13,
        help_text=_("13 in Thanh Hóa (Art. 14.4), 10 in Thái Nguyên (Art. 15.2)."),
    )
    intake_deadline_working_hours = models.PositiveSmallIntegerField(
        _("online intake deadline (working hours)"),
        default=8,
        help_text=_("Decree 45/2020 Art. 11; Thanh Hóa 17/2024."),
    )
    supplement_clock_rule = models.CharField(
        _("after a supplement during processing"), max_length=10, default="continue",
        choices=[("continue", _("the period continues with the time left")),
                 ("restart", _("the period starts again in full"))],
        help_text=_("Decree 61/2018 Art. 19 (carried into Decree 118/2025): the time already "
                    "spent counts and the period continues. Some provinces restart it."),
    )
    due_warning_working_hours = models.PositiveSmallIntegerField(
        _("warn officers before a due time (working hours)"), default=4,
        help_text=_("Officers are warned this many working hours before their intake or step "
                    "deadline."),
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("province")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1  # one province per deployment
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> Province:
        """The configured province, or unsaved defaults on a fresh database."""
        province = cache.get(cls.CACHE_KEY)
        if province is None:
            province = cls.objects.filter(pk=1).first() or cls(name="Tỉnh", code="H00")
            cache.set(cls.CACHE_KEY, province, 300)
        return province
