"""Forms of the one-stop officer (D2, D3): queue filters, intake actions, counter intake."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import agencies_for
from portal.accounts.roles import Perm
from procedures.eforms.attachments import check_upload
from procedures.models import DossierComponent, Procedure

from . import selectors
from .states import Channel, Delivery, State

#: Largest scanned file accepted at the counter (MB).
SCAN_MAX_SIZE_MB = 10
SCAN_KINDS = ["pdf", "jpg", "png"]

PUNCTUALITY_CHOICES = [
    ("", _("all")),
    ("late", _("overdue")),
    ("due_soon", _("due soon")),
    ("on_time", _("on time")),
]


class QueueFilterForm(forms.Form):
    procedure = forms.TypedChoiceField(required=False, label=_("procedure"), coerce=int,
                                       empty_value=None)
    state = forms.ChoiceField(
        required=False, label=_("state"),
        choices=[(s, State(s).label) for s in selectors.QUEUE_STATES])
    channel = forms.ChoiceField(required=False, label=_("channel"),
                                choices=[("", _("all")), *Channel.choices])
    punctuality = forms.ChoiceField(required=False, label=_("deadline"),
                                    choices=PUNCTUALITY_CHOICES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One query: the choices are read once and the chosen one validated against them.
        self._procedures = {p.pk: p for p in selectors.received_procedures(user)}
        cast(forms.TypedChoiceField, self.fields["procedure"]).choices = [
            ("", _("all")), *((pk, str(p)) for pk, p in self._procedures.items())]

    def clean_procedure(self) -> Procedure | None:
        pk = self.cleaned_data.get("procedure")
        return self._procedures.get(pk) if pk is not None else None

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid value is ignored rather than failing the page)."""
        if not self.is_valid():
            return {name: self.cleaned_data.get(name) for name in self.fields
                    if name not in self.errors and self.cleaned_data.get(name)}
        return {name: value for name, value in self.cleaned_data.items() if value}


class AskToCompleteForm(forms.Form):
    defects = forms.CharField(
        label=_("What the applicant must complete (one item per line)"),
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        error_messages={"required": _("List what the applicant must complete.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_defects(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["defects"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(_("List what the applicant must complete."))
        return lines


class RefuseForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the refusal"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000, error_messages={"required": _("Give the reasons for the refusal.")})

    def clean_reasons(self) -> str:
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise ValidationError(_("Give the reasons for the refusal."))
        return reasons


class ChooseProcedureForm(forms.Form):
    procedure = forms.ModelChoiceField(queryset=Procedure.objects.none(),
                                       label=_("procedure"),
                                       error_messages={"invalid_choice": _(
                                           "Choose a procedure your agency receives.")})

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["procedure"]).queryset = (
            selectors.received_procedures(user))


class CounterIntakeForm(forms.Form):
    """A dossier brought to the counter or received by post (D3): the applicant (looked up by
    the personal ID or typed), an optional representative, the scanned paper components."""

    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("receiving agency"), empty_label=None)
    channel = forms.ChoiceField(label=_("channel"), initial=Channel.COUNTER,
                                choices=[(Channel.COUNTER, Channel.COUNTER.label),
                                         (Channel.POSTAL, Channel.POSTAL.label)])
    applicant_id_number = forms.CharField(
        label=_("Applicant's personal ID or organisation code"), max_length=20,
        required=False,
        help_text=_("With a 12-digit personal ID of a registered citizen, “Look up” fills in "
                    "the name, address and phone."))
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=255,
                                     required=False)
    applicant_address = forms.CharField(label=_("address"), max_length=500, required=False)
    applicant_phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("e-mail"), required=False)
    representative_name = forms.CharField(label=_("Representative's full name"),
                                          max_length=255, required=False)
    representative_id_number = forms.CharField(label=_("Representative's personal ID"),
                                               max_length=20, required=False)
    representative_authorisation = forms.CharField(
        label=_("Authorisation (document, number, date)"), max_length=255, required=False)
    summary = forms.CharField(label=_("Request"), max_length=500, required=False)
    delivery = forms.ChoiceField(label=_("result delivery"), choices=Delivery.choices,
                                 initial=Delivery.COUNTER)
    delivery_address = forms.CharField(label=_("delivery address"), max_length=500,
                                       required=False)

    def __init__(self, *args: Any, user: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        allowed = set(procedure.receiving_agencies.values_list("pk", flat=True)) or {
            procedure.owner_agency_id}
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies_for(
            user, Perm.RECEIVE_DOSSIERS).filter(pk__in=allowed).order_by("name")
        self.components: list[tuple[str, DossierComponent]] = []
        for component in procedure.components.all():
            name = f"component_{component.pk}"
            required = component.requirement == DossierComponent.Requirement.REQUIRED
            self.fields[name] = forms.FileField(
                label=component.name, required=required,
                help_text=component.condition,
                error_messages={"required": _("Scan and upload “%(name)s”.")
                                % {"name": component.name}})
            self.components.append((name, component))

    def agency_choices(self) -> Any:
        return cast(forms.ModelChoiceField, self.fields["agency"]).queryset

    def component_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _component in self.components]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "applicant_name" not in self.errors and not (data.get("applicant_name") or ""
                                                            ).strip():
            self.add_error("applicant_name", _("Enter the applicant's name, or look the "
                                               "applicant up by the personal ID."))
        rep = [data.get(f) for f in ("representative_name", "representative_id_number",
                                      "representative_authorisation")]
        if any(rep) and not all(rep):
            self.add_error("representative_name", _(
                "For a representative give the name, the ID and the authorisation."))
        if data.get("delivery") == Delivery.POST and not (data.get("delivery_address") or ""
                                                          ).strip():
            self.add_error("delivery_address", _("Enter the address to post the result to."))
        for name, component in self.components:
            upload = data.get(name)
            if upload:
                try:
                    data[f"{name}_kind"] = check_upload(upload, accept=SCAN_KINDS,
                                                        max_size_mb=SCAN_MAX_SIZE_MB,
                                                        label=component.name)
                except ValidationError as error:
                    self.add_error(name, error)
        return data

    def uploads(self) -> list[tuple[DossierComponent, Any, str]]:
        """(component, upload, detected kind) of each scanned file."""
        return [(component, self.cleaned_data[name], self.cleaned_data[f"{name}_kind"])
                for name, component in self.components if self.cleaned_data.get(name)]
