"""The working-time calendar as data an operator maintains (W1).

Office hours per weekday, plus dated exceptions: days off (holidays, compensatory and extra days
off) and swapped working days. A year loaded from a file replaces the ``holidays`` package's
defaults for that year; other years use the defaults, with any single days entered here on top.
The computing itself lives in :mod:`portal.calendar.core`; :mod:`portal.calendar.services`
turns these rows into a :class:`~portal.calendar.core.WorkingCalendar`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyWorkingPeriod(models.Model):
    """One interval of official working hours on a weekday, e.g. Monday 07:30-11:30. Without any
    row the default hours apply (Monday-Friday 07:30-11:30, 13:30-17:30)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("weekly working period")
        verbose_name_plural = _("weekly working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="workcalendar_period_order"
            ),
            models.UniqueConstraint(
                fields=["weekday", "start"], name="workcalendar_period_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start is None or self.end is None:
            return
        if self.start >= self.end:
            raise ValidationError({"end": _("A working period must end after it starts.")})
        overlapping = WeeklyWorkingPeriod.objects.filter(
            weekday=self.weekday, start__lt=self.end, end__gt=self.start
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(_("This period overlaps another period of the same weekday."))


class CalendarDay(models.Model):
    """A dated exception to the weekly hours: a day off or a swapped working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        WORKING_DAY = "working_day", _("working day")

    class Source(models.TextChoices):
        DEFAULT = "default", _("default calendar")
        IMPORT = "import", _("imported file")
        ADMIN = "admin", _("entered by an operator")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Shown to users, e.g. “Tết Nguyên đán” or “Làm bù cho ngày 31/08/2026”."),
    )
    works_as_weekday = models.PositiveSmallIntegerField(
        _("works as"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("For a working day: the weekday whose hours apply (Monday when empty)."),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.ADMIN
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="working_day") | models.Q(works_as_weekday__isnull=True),
                name="workcalendar_day_works_as_only_for_working_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.DAY_OFF and self.works_as_weekday is not None:
            raise ValidationError(
                {"works_as_weekday": _("Only a working day works as another weekday.")}
            )


class CalendarYear(models.Model):
    """A year whose days were loaded in full (from a file or from the default calendar): its
    rows replace the ``holidays`` package's days for that year."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        help_text=_("While a year is listed here, only the calendar days recorded for it count: "
                    "the default calendar's holidays of that year are ignored."),
    )
    loaded_from = models.CharField(_("loaded from"), max_length=255, blank=True)
    checksum = models.CharField(_("checksum"), max_length=64, blank=True, editable=False)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


def _calendar_changed(sender: Any, **kwargs: Any) -> None:
    """Only invalidates the cached calendar; no business rule runs on a signal."""
    from .services import calendar_changed

    calendar_changed()


for _model in (WeeklyWorkingPeriod, CalendarDay, CalendarYear):
    _uid = f"workcalendar-{_model.__name__}"
    post_save.connect(_calendar_changed, sender=_model, dispatch_uid=f"{_uid}-save")
    post_delete.connect(_calendar_changed, sender=_model, dispatch_uid=f"{_uid}-delete")
