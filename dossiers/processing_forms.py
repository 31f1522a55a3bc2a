"""Forms of the processing pages (D5, D6): the queue's filters and each action's fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import Procedure

from . import selectors
from .states import State


class StepQueueFilterForm(forms.Form):
    scope = forms.ChoiceField(required=False, label=_("steps"), choices=[
        ("", _("all I can see")), ("mine", _("assigned to me")),
        ("unassigned", _("not assigned yet"))])
    procedure = forms.TypedChoiceField(required=False, label=_("procedure"), coerce=int,
                                       empty_value=None)
    state = forms.ChoiceField(required=False, label=_("clock"), choices=[
        ("", _("all")), (State.PROCESSING, _("running")), ("waiting", _("stopped"))])
    punctuality = forms.ChoiceField(required=False, label=_("deadline"), choices=[
        ("", _("all")), ("late", _("overdue")), ("due_soon", _("due soon")),
        ("on_time", _("on time"))])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = selectors.processing_scope(user).visible_agencies()
        qs = Procedure.objects.accepting()
        if ids is not None:
            qs = qs.filter(Q(owner_agency_id__in=sorted(ids))
                           | Q(processes__agency_id__in=sorted(ids))).distinct()
        self._procedures = {p.pk: p for p in qs.order_by("name").only("pk", "name")}
        cast(forms.TypedChoiceField, self.fields["procedure"]).choices = [
            ("", _("all")), *((pk, p.name) for pk, p in self._procedures.items())]

    def clean_procedure(self) -> Procedure | None:
        pk = self.cleaned_data.get("procedure")
        return self._procedures.get(pk) if pk is not None else None

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("officer"), coerce=int)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        cast(forms.TypedChoiceField, self.fields["assignee"]).choices = [
            (p.pk, p.get_full_name()) for p in people]

    def clean_assignee(self) -> Any:
        return self.people[self.cleaned_data["assignee"]]


class SupplementRequestForm(forms.Form):
    missing = forms.CharField(
        label=_("what is missing (one item per line)"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_("note"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean_missing(self) -> list[str]:
        items = [line.strip(" \t-•") for line in self.cleaned_data["missing"].splitlines()]
        items = [item for item in items if item]
        if not items:
            raise forms.ValidationError(_("List what the applicant must supplement."))
        return items


class PaymentRequestForm(forms.Form):
    reason = forms.CharField(label=_("what to pay"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.IntegerField(label=_("amount (VND)"), required=False, min_value=1)


class PaymentConfirmForm(forms.Form):
    reference = forms.CharField(label=_("payment reference"), required=False, max_length=200)


class ApologyForm(forms.Form):
    reason = forms.CharField(label=_("reason for the delay"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    new_due_at = forms.DateTimeField(
        label=_("new appointment"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def clean_new_due_at(self) -> datetime:
        value: datetime = self.cleaned_data["new_due_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
