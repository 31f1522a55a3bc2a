"""Public catalogue pages (P1, P2, P6): the searchable list and a procedure's page. No sign-in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Channel, Fee, OnlineLevel, Procedure

#: URL names the e-form fill page may have (the e-forms work names it); the first that resolves.
EFORM_FILL_URL_NAMES = ("eforms:fill",)


class CatalogueForm(forms.Form):
    """The GET form of the list page; invalid filters are reported and left out of the search."""

    q = forms.CharField(
        label=_("Keyword"), required=False, max_length=selectors.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={
            "type": "search", "placeholder": _("Procedure name or code, e.g. dang ky khai sinh"),
        }),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=selectors.filter_agencies(),
        to_field_name="code", empty_label=_("All agencies"),
        error_messages={"invalid_choice": _("Choose an agency from the list.")},
    )
    level = forms.ModelChoiceField(
        label=_("Level"), required=False, queryset=selectors.filter_levels(),
        to_field_name="code", empty_label=_("All levels"),
        error_messages={"invalid_choice": _("Choose a level from the list.")},
    )
    field = forms.ModelChoiceField(
        label=_("Field"), required=False, queryset=selectors.filter_fields(),
        to_field_name="code", empty_label=_("All fields"),
        error_messages={"invalid_choice": _("Choose a field from the list.")},
    )
    online_level = forms.ChoiceField(
        label=_("Online service level"), required=False,
        choices=[("", _("All service levels")), *OnlineLevel.choices],
        error_messages={"invalid_choice": _("Choose a service level from the list.")},
    )

    def filters(self) -> selectors.CatalogueFilters:
        """The valid part of the submitted search (call after ``is_valid``)."""
        data = getattr(self, "cleaned_data", {})
        return selectors.CatalogueFilters(
            q=data.get("q") or "",
            agency=data.get("agency"),
            level=data.get("level"),
            field=data.get("field"),
            online_level=data.get("online_level") or "",
        )


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    paginator = Paginator(selectors.search_procedures(filters), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"procedure": p, "time": selectors.format_time(p.processing_time, p.processing_unit)}
            for p in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "procedures/catalogue.html", {
        "form": form,
        "page": page,
        "rows": rows,
        "query_string": params.urlencode(),
        "searched": any([filters.q, filters.agency, filters.level, filters.field,
                         filters.online_level]),
    })


def eform_fill_url(procedure: Procedure, symbol: str) -> str:
    """The fill page of one of the procedure's e-forms."""
    kwargs = {"code": procedure.national_code, "symbol": symbol}
    return reverse(EFORM_FILL_URL_NAMES[0], kwargs=kwargs)


def _fee_rows(procedure: Procedure) -> list[dict[str, Any]]:
    channels = dict(Channel.choices)
    rows = []
    for fee in procedure.fees.all():
        rows.append({
            "fee": fee,
            "kind": Fee.Kind(fee.kind).label,
            "channel": channels.get(fee.channel, _("every method")) if fee.channel
            else _("every method"),
            "amount": selectors.fee_amount(fee),
        })
    return rows


def detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.procedure_detail(code)
    if procedure is None:
        raise Http404(_("No published procedure has this code."))
    now = timezone.now()
    methods = [
        {
            "method": m,
            "time": selectors.format_time(m.processing_time, m.processing_unit)
            if m.processing_time is not None or m.processing_unit == "same_day"
            else selectors.format_time(procedure.processing_time, procedure.processing_unit),
            "due": selectors.local_due(procedure, now, m.channel)
            if procedure.accepts_dossiers else None,
        }
        for m in procedure.methods.all()
    ]
    online = procedure.offers_online_submission
    forms_ = [{"form": f, "url": eform_fill_url(procedure, f.symbol) if online else ""}
              for f in procedure.active_forms]  # type: ignore[attr-defined]
    # Online submission starts a dossier (D1); its draft embeds the procedure's e-form.
    submit_url = (reverse("dossiers_citizen:start", kwargs={"national_code":
                                                             procedure.national_code})
                  if online and forms_ else "")
    return render(request, "procedures/detail.html", {
        "procedure": procedure,
        "processing_time": selectors.format_time(procedure.processing_time,
                                                 procedure.processing_unit),
        "due": selectors.local_due(procedure, now) if procedure.accepts_dossiers else None,
        "methods": methods,
        "fees": _fee_rows(procedure),
        "components": list(procedure.components.all()),
        "legal_basis": list(procedure.legal_basis.all()),
        "receiving_agencies": list(procedure.receiving_agencies.all()),
        "deciding_agencies": list(procedure.deciding_agencies.all()),
        "forms": forms_,
        "submit_url": submit_url,
        "closed": procedure.status in (Procedure.Status.SUSPENDED, Procedure.Status.ABOLISHED),
    })
