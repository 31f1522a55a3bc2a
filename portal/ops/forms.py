"""Forms of the operations pages (O2, O3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MaintenanceNotice

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaintenanceNotice.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    message = forms.CharField(label=_("Message shown to users"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class SupportForm(forms.Form):
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Agency"), queryset=None, empty_label=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("What happened, and what do you need?"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from portal.agencies.models import Agency

        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 5}))
    close = forms.BooleanField(label=_("Close the request (solved)"), required=False)
