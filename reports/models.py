"""Summary tables of the Decision 766/QĐ-TTg service-quality index (K4, LEGAL-NOTES §7).

Written only by ``reports.index766.compute_period`` (a Celery task), read by the ranking pages:
the index is never computed on the fly. Recomputing a period replaces its rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexPeriod(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        YEAR = "year", _("year")

    kind = models.CharField(_("period"), max_length=8, choices=Kind)
    start = models.DateField(_("from"))
    end = models.DateField(_("until (exclusive)"))
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), default=0)

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("index period")
        verbose_name_plural = _("index periods")
        constraints = [models.UniqueConstraint(fields=["kind", "start"],
                                               name="index_period_once")]

    def __str__(self) -> str:
        if self.kind == self.Kind.MONTH:
            return f"{self.start:%m/%Y}"
        if self.kind == self.Kind.QUARTER:
            return f"Q{(self.start.month - 1) // 3 + 1}/{self.start.year}"
        return f"{self.start.year}"


class IndexScore(models.Model):
    """One agency's total and group scores for a period."""

    period = models.ForeignKey(IndexPeriod, on_delete=models.CASCADE, related_name="scores")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey("agencies.AgencyLevel", on_delete=models.PROTECT,
                              related_name="+")
    total = models.DecimalField(_("total (of 100)"), max_digits=6, decimal_places=2)
    groups = models.JSONField(_("group scores"), default=dict)
    rank = models.PositiveIntegerField(_("rank in its level"), default=0)

    class Meta:
        ordering = ["period", "level", "rank"]
        verbose_name = _("index score")
        verbose_name_plural = _("index scores")
        constraints = [models.UniqueConstraint(fields=["period", "agency"],
                                               name="index_score_once")]

    def __str__(self) -> str:
        return f"{self.period} {self.agency_id}: {self.total}"


class IndicatorValue(models.Model):
    class Status(models.TextChoices):
        MEASURED = "measured", _("measured")
        NO_CASES = "no_cases", _("nothing to count in the period (full marks)")
        NOT_APPLICABLE = "not_applicable", _("does not apply at this level (full marks)")
        NO_DATA = "no_data", _("no data in the system yet (left out of the group)")

    period = models.ForeignKey(IndexPeriod, on_delete=models.CASCADE, related_name="values")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("indicator"), max_length=8)
    group = models.CharField(_("group"), max_length=16)
    numerator = models.PositiveIntegerField(_("numerator"), default=0)
    denominator = models.PositiveIntegerField(_("denominator"), default=0)
    ratio = models.DecimalField(_("ratio"), max_digits=7, decimal_places=4, null=True,
                                blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True,
                                blank=True)
    max_score = models.DecimalField(_("maximum"), max_digits=6, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status,
                              default=Status.MEASURED)

    class Meta:
        ordering = ["period", "agency", "code"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["period", "agency", "code"],
                                               name="indicator_value_once")]

    def __str__(self) -> str:
        return f"{self.code}: {self.numerator}/{self.denominator}"
