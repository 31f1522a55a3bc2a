"""The tracking book pages (/so-theo-doi/): pick the agency (among those whose work the officer
may see, ``VIEW_AGENCY_WORK``), the field and the period; read it on screen (paginated) or take
it as PDF or Excel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.accounts.permissions import agencies_for, has_perm
from portal.accounts.roles import Perm
from portal.audit.services import Action, record
from procedures.models import Field

from . import tracking_book
from .tracking_book import Book

PAGE_SIZE = 50
MAX_DAYS = 366


class BookForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=Field.objects.none())
    field = forms.ModelChoiceField(label=gettext_lazy("Field"), queryset=Field.objects.all(),
                                   required=False, empty_label=gettext_lazy("all fields"))
    start = forms.DateField(label=gettext_lazy("From"),
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("Until"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies_for(user, Perm.VIEW_AGENCY_WORK).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most one year."))
        return data


def _book(request: HttpRequest) -> tuple[BookForm, Book | None]:
    if not has_perm(request.user, Perm.VIEW_AGENCY_WORK):
        raise PermissionDenied
    today = timezone.localdate()
    agencies = agencies_for(request.user, Perm.VIEW_AGENCY_WORK).order_by("name")
    initial = {"start": today.replace(day=1), "end": today, "agency": agencies.first()}
    params = request.GET.copy()
    for key, value in initial.items():
        if not params.get(key) and value is not None:
            params[key] = str(value.pk) if hasattr(value, "pk") else value.isoformat()
    form = BookForm(request.user, params)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, Book(agency=data["agency"], field=data.get("field"), start=data["start"],
                      end=data["end"])


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def book_page(request: HttpRequest) -> HttpResponse:
    form, book = _book(request)
    page = None
    book_rows: list[tracking_book.Row] = []
    if book is not None:
        page = Paginator(tracking_book.dossiers(book), PAGE_SIZE).get_page(
            request.GET.get("page"))
        book_rows = tracking_book.rows(page.object_list, page.start_index() or 1)
        record(Action.VIEW_PERSONAL_DATA, request=request, obj=book.agency,
               message="viewed the tracking book",
               changes={"field": book.field.pk if book.field else None,
                        "start": book.start.isoformat(), "end": book.end.isoformat()})
    return render(request, "dossiers/tracking/book.html", {
        "form": form, "book": book, "page": page, "rows": book_rows,
        "headers": tracking_book.headers(), "query": _query(request)})


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    form, book = _book(request)
    if book is None:
        return render(request, "dossiers/tracking/book.html", {
            "form": form, "book": None, "headers": tracking_book.headers()}, status=400)
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=book.agency,
           message=f"exported the tracking book ({kind})",
           changes={"field": book.field.pk if book.field else None,
                    "start": book.start.isoformat(), "end": book.end.isoformat()})
    name = f"so-theo-doi-{book.agency.code}-{book.start:%Y%m%d}-{book.end:%Y%m%d}"
    if kind == "pdf":
        response = HttpResponse(tracking_book.to_pdf(book), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    else:
        response = HttpResponse(
            tracking_book.to_xlsx(book),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def book_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")


@login_required
@require_GET
def book_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


