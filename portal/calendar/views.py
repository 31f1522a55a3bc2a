"""The deadline calculator: anyone can see when a period ends and why (W1-W3)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.net import client_ip
from portal.ratelimit import hit

from .core import CalendarRangeError
from .forms import DeadlineForm
from .services import aware, get_calendar

#: Calculations per address and minute (the page is public).
RATE_PER_MINUTE = 60


def deadline_calculator(request: HttpRequest) -> HttpResponse:
    explanation = None
    if request.GET.get("start"):
        form = DeadlineForm(request.GET)
        if not hit("deadline", client_ip(request) or "", RATE_PER_MINUTE):
            form.is_valid()
            form.add_error(None, _("Too many calculations from your address. Wait a minute."))
        elif form.is_valid():
            calendar = get_calendar()
            start = aware(form.cleaned_data["start"])
            amount = form.cleaned_data["amount"]
            try:
                if form.cleaned_data["unit"] == DeadlineForm.UNIT_HOURS:
                    explanation = calendar.explain_working_hours(start, amount)
                else:
                    explanation = calendar.explain_working_days(start, amount)
            except CalendarRangeError:
                form.add_error("amount", _("The period ends beyond the calendar's range."))
    else:
        now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
        form = DeadlineForm(initial={"start": now, "amount": 8, "unit": DeadlineForm.UNIT_HOURS})
    return render(request, "calendar/deadline.html", {
        "form": form, "explanation": explanation, "time_zone": settings.TIME_ZONE,
    })
