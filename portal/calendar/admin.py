"""Admin of the working calendar (U6: the system operator maintains it). Every change is audited
and invalidates the cached calendar at once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.audit.admin import AuditedModelAdmin

from .models import CalendarDay, CalendarYear, Weekday, WeeklyWorkingPeriod
from .services import calendar_changed


class _CalendarAdmin(AuditedModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        calendar_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        calendar_changed()


@admin.register(WeeklyWorkingPeriod)
class WeeklyWorkingPeriodAdmin(_CalendarAdmin):
    list_display = ("weekday", "start", "end")
    list_filter = ("weekday",)


@admin.register(CalendarDay)
class CalendarDayAdmin(_CalendarAdmin):
    list_display = ("date", "day_of_week", "kind", "name", "works_as_weekday", "source")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    readonly_fields = ("source", "updated_at")

    @admin.display(description=_("day of the week"))
    def day_of_week(self, obj: CalendarDay) -> str:
        return str(Weekday(obj.date.weekday()).label)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        obj.source = CalendarDay.Source.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(_CalendarAdmin):
    list_display = ("year", "loaded_from", "loaded_at", "note")
    readonly_fields = ("loaded_from", "checksum", "loaded_at")
