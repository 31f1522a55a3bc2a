"""Forms of the feedback pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.agencies.models import Agency

from .models import STAFF_CHANNELS, Category, Channel, State


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class _SenderFields(forms.Form):
    sender_name = forms.CharField(label=_("Your full name"), max_length=255)
    sender_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    sender_email = forms.EmailField(label=_("E-mail"), required=False)
    sender_address = forms.CharField(label=_("Address"), max_length=500, required=False)
    title = forms.CharField(label=_("Subject"), max_length=255)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label=_("Attachments (PDF, JPG, PNG)"),  # type: ignore[assignment]
                              required=False)


class SendForm(_SenderFields):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            self.fields["sender_name"].initial = user.get_full_name()
            self.fields["sender_email"].initial = user.email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed_in = self.user is not None and self.user.is_authenticated
        if not signed_in and not (data.get("sender_phone") or data.get("sender_email")):
            raise forms.ValidationError(
                _("Give a phone number or an e-mail address to get the answer."))
        return data


class StaffEntryForm(_SenderFields):
    channel = forms.ChoiceField(
        label=_("Received by"), choices=[(c.value, c.label) for c in Channel
                                         if c in STAFF_CHANNELS])
    received_at = forms.DateTimeField(
        label=_("Received at (real time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
    agency = forms.ModelChoiceField(label=_("Received by agency"), queryset=Agency.objects.none())
    sender_name = forms.CharField(label=_("Sender"), max_length=255)
    sender_id_number = forms.CharField(label=_("Personal ID"), max_length=20, required=False)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_received_at(self) -> Any:
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("The received time cannot be in the future."))
        return value


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[
        (c.value, c.label) for c in Category if c != Category.OUT_OF_SCOPE])
    dossier_code = forms.CharField(label=_("Dossier code (if about a dossier)"), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the sender"), max_length=500)


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Responsible agency"),
                                    queryset=Agency.objects.active())
    note = forms.CharField(label=_("Note"), required=False)


class CoordinateForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(label=_("Agencies asked to coordinate"),
                                              queryset=Agency.objects.active())
    note = forms.CharField(label=_("What is asked"))


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("What the sender contests"))


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("open items")), ("all", _("all")), *State.choices])
    late = forms.BooleanField(label=_("Late only"), required=False)


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.active(),
                                    required=False)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[
        ("", _("all")), *[(c.value, c.label) for c in Category
                          if c != Category.OUT_OF_SCOPE]])


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"), coerce=int,
        choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")), (3, _("3 — neutral")),
                 (2, _("2 — dissatisfied")), (1, _("1 — very dissatisfied"))],
        widget=forms.RadioSelect)


class ContestForm(forms.Form):
    reason = forms.CharField(label=_("What do you disagree with?"),
                             widget=forms.Textarea(attrs={"rows": 3}))


SCORE_CHOICES = [(5, _("5 — very satisfied")), (4, _("4 — satisfied")), (3, _("3 — neutral")),
                 (2, _("2 — dissatisfied")), (1, _("1 — very dissatisfied"))]


class SurveyForm(forms.Form):
    intake_score = forms.TypedChoiceField(
        label=_("The reception of your dossier (guidance, courtesy, waiting)"), coerce=int,
        choices=SCORE_CHOICES, widget=forms.RadioSelect)
    handling_score = forms.TypedChoiceField(
        label=_("The handling of your dossier (time, result, information)"), coerce=int,
        choices=SCORE_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
