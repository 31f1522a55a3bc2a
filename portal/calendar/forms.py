"""The public deadline calculator's form (W3: every deadline can be explained)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DeadlineForm(forms.Form):
    UNIT_HOURS = "hours"
    UNIT_DAYS = "days"

    start = forms.DateTimeField(
        label=_("Start"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time (Asia/Ho_Chi_Minh)."),
    )
    amount = forms.IntegerField(label=_("Period"), min_value=1, max_value=3650)
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[(UNIT_HOURS, _("working hours")), (UNIT_DAYS, _("working days"))],
    )

    def clean_start(self) -> Any:
        start = self.cleaned_data["start"]
        if not 2000 <= start.year <= 2100:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return start

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit") == self.UNIT_HOURS and (data.get("amount") or 0) > 2000:
            self.add_error("amount", _("At most 2,000 working hours."))
        return data
