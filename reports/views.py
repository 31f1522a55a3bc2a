"""The 766 index pages (K4): the public ranking per level and period, an agency's indicators,
and — for staff with ``VIEW_REPORTS`` on that agency — the dossiers behind a number. Everything
is read from the summary tables written by ``reports.tasks``; nothing is computed here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.accounts.permissions import has_perm, is_province_wide
from portal.accounts.roles import Perm
from portal.agencies.models import Agency

from . import index766, tasks
from .models import IndexPeriod, IndexScore, IndicatorValue


class RecomputeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=IndexPeriod.Kind.choices)
    start = forms.DateField(label=gettext_lazy("A day in the period"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean_start(self) -> date:
        value: date = self.cleaned_data["start"]
        kind = self.data.get("kind", IndexPeriod.Kind.MONTH)
        if kind in IndexPeriod.Kind.values:
            _first, end = index766.period_bounds(kind, value)
            if end > timezone.localdate():
                raise forms.ValidationError(_("Only a period that has ended can be computed."))
        return value


def _groups(score: IndexScore) -> list[Decimal]:
    return [Decimal(score.groups.get(code, "0")) for code, _name, _max in index766.GROUPS]


def ranking(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", IndexPeriod.Kind.MONTH)
    if kind not in IndexPeriod.Kind.values:
        kind = IndexPeriod.Kind.MONTH
    periods = list(IndexPeriod.objects.filter(kind=kind, computed_at__isnull=False))
    period = None
    if request.GET.get("period"):
        period = next((p for p in periods if str(p.pk) == request.GET["period"]), None)
    period = period or (periods[0] if periods else None)
    levels: list[dict[str, Any]] = []
    if period is not None:
        scores = (period.scores.select_related("agency", "level")
                  .order_by("level__rank", "rank"))
        for score in scores:
            if not levels or levels[-1]["level"].pk != score.level_id:
                levels.append({"level": score.level, "rows": []})
            levels[-1]["rows"].append({"score": score, "groups": _groups(score)})
    can_recompute = is_province_wide(request.user, Perm.VIEW_REPORTS)
    return render(request, "reports/ranking.html", {
        "kind": kind, "kinds": IndexPeriod.Kind.choices, "periods": periods, "period": period,
        "levels": levels, "groups": index766.GROUPS,
        "recompute_form": RecomputeForm() if can_recompute else None,
        "missing": [i for i in index766.INDICATORS if not i.available],
    })


def agency_detail(request: HttpRequest, period: int, agency: int) -> HttpResponse:
    period_obj = get_object_or_404(IndexPeriod, pk=period, computed_at__isnull=False)
    score = get_object_or_404(IndexScore.objects.select_related("agency", "level"),
                              period=period_obj, agency_id=agency)
    values = {v.code: v for v in IndicatorValue.objects.filter(period=period_obj,
                                                               agency_id=agency)}
    may_drill = has_perm(request.user, Perm.VIEW_REPORTS, agency)
    groups = []
    for code, name, maximum in index766.GROUPS:
        rows = [{"indicator": i, "value": values.get(i.code),
                 "drill": may_drill and i.dossiers and i.code in values
                 and values[i.code].denominator > 0}
                for i in index766.INDICATORS if i.group == code]
        groups.append({"code": code, "name": name, "max": maximum,
                       "score": score.groups.get(code), "rows": rows})
    return render(request, "reports/agency.html", {
        "period": period_obj, "score": score, "groups": groups})


@login_required
def dossiers(request: HttpRequest, period: int, agency: int, code: str) -> HttpResponse:
    """The dossiers behind a number; only for staff with VIEW_REPORTS on that agency."""
    if not has_perm(request.user, Perm.VIEW_REPORTS, agency):
        raise PermissionDenied
    indicator = index766.BY_CODE.get(code)
    if indicator is None or not indicator.dossiers:
        raise Http404
    period_obj = get_object_or_404(IndexPeriod, pk=period, computed_at__isnull=False)
    agency_obj = get_object_or_404(Agency, pk=agency)
    base, numerator = index766.drilldown(period_obj, agency, code)
    which = request.GET.get("which", "all")
    if which == "counted":
        base = base.filter(numerator)
    elif which == "not_counted":
        base = base.exclude(numerator)
    rows = (base.select_related("procedure").order_by("received_at", "pk")
            .only("pk", "code", "state", "received_at", "processing_due_at", "settled_at",
                  "synced_at", "apologised_at", "channel", "delivery", "procedure__name"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "reports/dossiers.html", {
        "period": period_obj, "agency": agency_obj, "indicator": indicator, "page": page,
        "which": which})


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Province-wide reporters recompute a past period (queued for the worker)."""
    if not is_province_wide(request.user, Perm.VIEW_REPORTS):
        raise PermissionDenied
    form = RecomputeForm(request.POST)
    if form.is_valid():
        kind, start = form.cleaned_data["kind"], form.cleaned_data["start"]
        tasks.compute_index.delay(kind, start.isoformat())
        messages.success(request, _("The computation was queued; the page shows it once "
                                    "done."))
        return redirect(f"{reverse('reports:ranking')}?kind={kind}")
    messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("reports:ranking")
