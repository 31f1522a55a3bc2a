"""The Decision 766/QĐ-TTg service-quality index (K4; LEGAL-NOTES §7; TH Art. 13, TG Art. 22,
TN Art. 16): six groups, 100 points, computed per agency and per month / quarter / year from
the portal's own data into ``IndexPeriod`` / ``IndexScore`` / ``IndicatorValue``.

Scaling assumption (the decision's exact scaling is unconfirmed, LEGAL-NOTES §7): each indicator
scores ``ratio × max`` with ``ratio = numerator / denominator`` clipped to [0, 1], rounded to
two decimals. Three cases are scored differently and said so on the page:

* **nothing to count** (denominator 0, e.g. no dossier settled this month): full marks — there
  is no failure to count;
* **does not apply at this level**: the criteria about publishing the catalogue and about fees
  offered online are the province departments'; a commune gets full marks for them;
* **no data yet** (online payments, the personal data store, population data, electronic
  certified copies: the portal does not record them yet): the indicator is left out and its
  group is scored from the indicators that exist, scaled up to the group's maximum
  (``group = Σ scores / Σ max of measured indicators × group max``).

Which agency a number belongs to: dossiers count for their receiving agency; procedures for
their managing agency; feedback for its responsible agency; survey answers for the agency that
handled the dossier.

Counting rules per indicator are in :data:`INDICATORS`. Dossier indicators are defined as a
base filter plus a numerator filter (:func:`dossier_rule`), so the drill-down page lists exactly
the dossiers behind a number.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierFile, DossierResult
from dossiers.states import Channel, Delivery
from feedback.models import Feedback, SurveyAnswer
from feedback.models import State as FeedbackState
from portal.agencies.models import Agency
from portal.calendar.services import get_calendar
from procedures.models import DecisionItem, OnlineLevel, Procedure

from .models import IndexPeriod, IndexScore, IndicatorValue

#: Agency level codes treated as communes (criteria of the departments do not apply).
COMMUNE_LEVELS: tuple[str, ...] = tuple(getattr(settings, "INDEX766_COMMUNE_LEVELS",
                                                ("commune",)))
#: TH 8.1, TG 11.1: a publication decision must be live within 5 working days of receipt.
PUBLICATION_WORKING_DAYS = 5

Counts = dict[int, tuple[int, int]]  # agency id → (numerator, denominator)

GROUPS: list[tuple[str, Promise, int]] = [
    ("public", _("Publicity and transparency"), 18),
    ("progress", _("Settlement progress"), 20),
    ("online", _("Online public services"), 12),
    ("payment", _("Online payment"), 10),
    ("satisfaction", _("Satisfaction"), 18),
    ("digitization", _("Digitization of dossiers"), 22),
]
GROUP_MAX = {code: Decimal(m) for code, _name, m in GROUPS}


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: Promise
    max_score: int
    rule: Promise
    commune_applies: bool = True
    available: bool = True
    dossiers: bool = False  # a drill-down to dossiers exists


INDICATORS: list[Indicator] = [
    Indicator("1.1", "public", _("Procedures published on time"), 6,
              _("New procedures of the publication decisions received in the period that went "
                "live within 5 working days of receipt (TH 8.1)"), commune_applies=False),
    Indicator("1.2", "public", _("Procedures updated on time"), 4,
              _("Amended, replaced or abolished procedures of the decisions received in the "
                "period applied within 5 working days of receipt"), commune_applies=False),
    Indicator("1.3", "public", _("Procedures with full content"), 2,
              _("Published procedures with steps, processing time, result and at least one "
                "dossier component, of all published procedures the agency manages"),
              commune_applies=False),
    Indicator("1.4", "public", _("Dossiers synced to the national portal"), 6,
              _("Dossiers received in the period acknowledged by the national portal"),
              dossiers=True),
    Indicator("2.1", "progress", _("Dossiers settled early or on time"), 20,
              _("Dossiers settled in the period by their result due time; a dossier with an "
                "apology letter counts as late"), dossiers=True),
    Indicator("3.1", "online", _("Full-online dossiers"), 12,
              _("Dossiers of full-online procedures received in the period that were submitted "
                "online, settled with a signed electronic result and delivered online "
                "(Decree 42/2022 Art. 11)"), dossiers=True),
    Indicator("4.1", "payment", _("Procedures with fees offered online"), 2,
              _("Published procedures with fees that accept online dossiers, of all published "
                "procedures with fees"), commune_applies=False),
    Indicator("4.2", "payment", _("Procedures with online payments"), 2,
              _("No payment data in the system yet"), available=False),
    Indicator("4.3", "payment", _("Dossiers paid online"), 6,
              _("No payment data in the system yet"), available=False),
    Indicator("5.1", "satisfaction", _("Feedback handled on time"), 6,
              _("Feedback items due in the period first answered by their due time")),
    Indicator("5.2", "satisfaction", _("Satisfaction with feedback handling"), 6,
              _("Answers rated 4 or 5 of 5 by their senders in the period")),
    Indicator("5.3", "satisfaction", _("Satisfaction with dossier handling"), 6,
              _("Survey answers in the period with at least 8 of 10 points (intake + "
                "handling)")),
    Indicator("6.1", "digitization", _("Electronic results"), 6,
              _("Dossiers settled in the period with a signed electronic result"),
              dossiers=True),
    Indicator("6.2", "digitization", _("Dossier components digitized"), 4,
              _("Papers scanned at the counter, of the papers of counter and postal dossiers "
                "received in the period")),
    Indicator("6.3", "digitization", _("Digitized data reused"), 2,
              _("Papers taken from the data warehouse, of all papers of the dossiers "
                "received in the period")),
    Indicator("6.4", "digitization", _("Results synced to the personal data store"), 4,
              _("No data in the system yet"), available=False),
    Indicator("6.5", "digitization", _("Population data connected to dossiers"), 2,
              _("No data in the system yet"), available=False),
    Indicator("6.6", "digitization", _("Population data connected to procedures"), 2,
              _("No data in the system yet"), available=False),
    Indicator("6.7", "digitization", _("Electronic certified copies"), 2,
              _("No data in the system yet"), available=False),
]
BY_CODE = {i.code: i for i in INDICATORS}


# -- periods ---------------------------------------------------------------------------------


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    """The first day of the period containing ``start`` and the first day after it."""
    if kind == IndexPeriod.Kind.MONTH:
        first = start.replace(day=1)
        months = 1
    elif kind == IndexPeriod.Kind.QUARTER:
        first = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        months = 3
    elif kind == IndexPeriod.Kind.YEAR:
        first = date(start.year, 1, 1)
        months = 12
    else:
        raise ValueError(kind)
    month = first.month - 1 + months
    return first, date(first.year + month // 12, month % 12 + 1, 1)


def _instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


# -- dossier indicators ----------------------------------------------------------------------


def _signed_result() -> Exists:
    return Exists(DossierResult.objects.filter(dossier=OuterRef("pk"), signed_at__isnull=False)
                  .exclude(signed_file=""))


def dossier_rule(code: str, lo: datetime, hi: datetime) -> tuple[QuerySet[Dossier], Q]:
    """The dossiers an indicator counts in its denominator, and the numerator's condition."""
    received = Dossier.objects.filter(received_at__gte=lo, received_at__lt=hi)
    settled = Dossier.objects.filter(settled_at__gte=lo, settled_at__lt=hi)
    if code == "1.4":
        return received, Q(synced_at__isnull=False)
    if code == "2.1":
        return settled, Q(apologised_at__isnull=True) & (
            Q(processing_due_at__isnull=True) | Q(settled_at__lte=F("processing_due_at")))
    if code == "3.1":
        base = received.filter(procedure__online_level=OnlineLevel.FULL)
        return base.alias(signed=_signed_result()), Q(
            channel__in=[Channel.ONLINE, Channel.DVCQG], delivery=Delivery.ONLINE, signed=True)
    if code == "6.1":
        return settled.alias(signed=_signed_result()), Q(signed=True)
    raise KeyError(code)


def _dossier_counts(code: str, lo: datetime, hi: datetime) -> Counts:
    base, numerator = dossier_rule(code, lo, hi)
    rows = base.values("receiving_agency_id").annotate(
        den=Count("pk"), num=Count("pk", filter=numerator)).order_by()
    return {r["receiving_agency_id"]: (r["num"], r["den"]) for r in rows}


# -- other indicators ------------------------------------------------------------------------


def _publication_counts(changes: list[str], lo: datetime, hi: datetime) -> Counts:
    calendar = get_calendar()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    items = (DecisionItem.objects.filter(change__in=changes, decision__received_at__gte=lo,
                                         decision__received_at__lt=hi)
             .values_list("procedure__owner_agency_id", "decision__received_at",
                          "decision__applied_at"))
    for agency_id, received_at, applied_at in items:
        due = calendar.add_working_days(received_at, PUBLICATION_WORKING_DAYS)
        counts[agency_id][1] += 1
        if applied_at is not None and applied_at <= due:
            counts[agency_id][0] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _full_content_counts() -> Counts:
    published = Procedure.objects.filter(status=Procedure.Status.PUBLISHED)
    full = Q(processing_time__isnull=False, components__isnull=False) & ~Q(steps="") & ~Q(
        result="")
    complete = set(published.filter(full).values_list("pk", flat=True).distinct())
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, agency_id in published.values_list("pk", "owner_agency_id"):
        counts[agency_id][1] += 1
        counts[agency_id][0] += pk in complete
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _fees_online_counts() -> Counts:
    rows = (Procedure.objects.filter(status=Procedure.Status.PUBLISHED, fees__isnull=False)
            .distinct().values("owner_agency_id").annotate(
                den=Count("pk", distinct=True),
                num=Count("pk", distinct=True, filter=Q(
                    online_level__in=[OnlineLevel.PARTIAL, OnlineLevel.FULL])))
            .order_by())
    return {r["owner_agency_id"]: (r["num"], r["den"]) for r in rows}


def _feedback_on_time(lo: datetime, hi: datetime) -> Counts:
    rows = (Feedback.objects.filter(due_at__gte=lo, due_at__lt=hi, agency__isnull=False)
            .exclude(state=FeedbackState.REJECTED)
            .values("agency_id").annotate(
                den=Count("pk"),
                num=Count("pk", filter=Q(first_answered_at__lte=F("due_at")))).order_by())
    return {r["agency_id"]: (r["num"], r["den"]) for r in rows}


def _feedback_rating(lo: datetime, hi: datetime) -> Counts:
    rows = (Feedback.objects.filter(rated_at__gte=lo, rated_at__lt=hi, rating__isnull=False,
                                    agency__isnull=False)
            .values("agency_id").annotate(den=Count("pk"),
                                          num=Count("pk", filter=Q(rating__gte=4))).order_by())
    return {r["agency_id"]: (r["num"], r["den"]) for r in rows}


def _survey(lo: date, hi: date) -> Counts:
    satisfied = Q(satisfied_sum__gte=8)
    rows = (SurveyAnswer.objects.filter(answered_on__gte=lo, answered_on__lt=hi)
            .annotate(satisfied_sum=F("intake_score") + F("handling_score"))
            .values("agency_id").annotate(den=Count("pk"), num=Count("pk", filter=satisfied))
            .order_by())
    return {r["agency_id"]: (r["num"], r["den"]) for r in rows}


def _file_counts(code: str, lo: datetime, hi: datetime) -> Counts:
    files = DossierFile.objects.filter(dossier__received_at__gte=lo, dossier__received_at__lt=hi)
    if code == "6.2":
        files = files.filter(dossier__channel__in=[Channel.COUNTER, Channel.POSTAL])
        numerator = Q(digitized=True)
    else:
        numerator = Q(reused=True)
    rows = (files.values("dossier__receiving_agency_id")
            .annotate(den=Count("pk"), num=Count("pk", filter=numerator)).order_by())
    return {r["dossier__receiving_agency_id"]: (r["num"], r["den"]) for r in rows}


def _counts(code: str, start: date, end: date) -> Counts:
    lo, hi = _instant(start), _instant(end)
    if code in ("1.4", "2.1", "3.1", "6.1"):
        return _dossier_counts(code, lo, hi)
    if code == "1.1":
        return _publication_counts([DecisionItem.Change.NEW], lo, hi)
    if code == "1.2":
        return _publication_counts([DecisionItem.Change.AMENDED, DecisionItem.Change.REPLACED,
                                    DecisionItem.Change.ABOLISHED], lo, hi)
    if code == "1.3":
        return _full_content_counts()
    if code == "4.1":
        return _fees_online_counts()
    if code == "5.1":
        return _feedback_on_time(lo, hi)
    if code == "5.2":
        return _feedback_rating(lo, hi)
    if code == "5.3":
        return _survey(start, end)
    if code in ("6.2", "6.3"):
        return _file_counts(code, lo, hi)
    return {}


# -- scoring ---------------------------------------------------------------------------------

_CENT = Decimal("0.01")


def score_of(numerator: int, denominator: int, max_score: int) -> tuple[Decimal, Decimal]:
    """(ratio, score): ``ratio × max``, ratio clipped to [0, 1]; no cases → full marks."""
    if denominator <= 0:
        return Decimal(1), Decimal(max_score).quantize(_CENT)
    ratio = min(Decimal(1), Decimal(numerator) / Decimal(denominator))
    return (ratio.quantize(Decimal("0.0001"), ROUND_HALF_UP),
            (ratio * max_score).quantize(_CENT, ROUND_HALF_UP))


def group_scores(values: list[IndicatorValue]) -> dict[str, Decimal]:
    """Each group from its measured indicators, scaled to the group's maximum."""
    got: dict[str, Decimal] = defaultdict(Decimal)
    out_of: dict[str, Decimal] = defaultdict(Decimal)
    for value in values:
        if value.status == IndicatorValue.Status.NO_DATA or value.score is None:
            continue
        got[value.group] += value.score
        out_of[value.group] += value.max_score
    result = {}
    for code, _name, _max in GROUPS:
        if out_of[code] > 0:
            result[code] = (got[code] / out_of[code] * GROUP_MAX[code]).quantize(
                _CENT, ROUND_HALF_UP)
        else:
            result[code] = GROUP_MAX[code]
    return result


def ranked_agencies() -> QuerySet[Agency]:
    """Agencies ranked: every active agency below the top of the tree."""
    return Agency.objects.active().filter(parent__isnull=False).select_related("level")


def compute_period(kind: str, start: date, *, now: datetime | None = None) -> IndexPeriod:
    """Compute (or recompute) one period for every ranked agency; idempotent."""
    began = time.monotonic()
    first, end = period_bounds(kind, start)
    agencies = list(ranked_agencies())
    counts = {i.code: _counts(i.code, first, end) for i in INDICATORS if i.available}
    with transaction.atomic():
        period, _created = IndexPeriod.objects.select_for_update().get_or_create(
            kind=kind, start=first, defaults={"end": end})
        period.values.all().delete()
        period.scores.all().delete()
        values: list[IndicatorValue] = []
        scores: list[IndexScore] = []
        for agency in agencies:
            commune = agency.level.code in COMMUNE_LEVELS
            mine: list[IndicatorValue] = []
            for indicator in INDICATORS:
                value = IndicatorValue(period=period, agency=agency, code=indicator.code,
                                       group=indicator.group,
                                       max_score=Decimal(indicator.max_score))
                if not indicator.available:
                    value.status = IndicatorValue.Status.NO_DATA
                elif commune and not indicator.commune_applies:
                    value.status = IndicatorValue.Status.NOT_APPLICABLE
                    value.ratio, value.score = Decimal(1), Decimal(indicator.max_score)
                else:
                    num, den = counts[indicator.code].get(agency.pk, (0, 0))
                    value.numerator, value.denominator = num, den
                    value.ratio, value.score = score_of(num, den, indicator.max_score)
                    if den == 0:
                        value.status = IndicatorValue.Status.NO_CASES
                mine.append(value)
            groups = group_scores(mine)
            scores.append(IndexScore(period=period, agency=agency, level=agency.level,
                                     total=sum(groups.values(), Decimal(0)),
                                     groups={k: str(v) for k, v in groups.items()}))
            values.extend(mine)
        by_level: dict[int, list[IndexScore]] = defaultdict(list)
        for score in scores:
            by_level[score.level_id].append(score)
        for level_scores in by_level.values():
            level_scores.sort(key=lambda s: (-s.total, s.agency.name))
            for position, score in enumerate(level_scores, start=1):
                score.rank = position
        IndicatorValue.objects.bulk_create(values, batch_size=2000)
        IndexScore.objects.bulk_create(scores, batch_size=500)
        period.end = end
        period.computed_at = now or timezone.now()
        period.duration_ms = int((time.monotonic() - began) * 1000)
        period.save()
    return period


def drilldown(period: IndexPeriod, agency_id: int, code: str) -> tuple[QuerySet[Dossier], Q]:
    """The dossiers behind a dossier indicator of one agency and period."""
    base, numerator = dossier_rule(code, _instant(period.start), _instant(period.end))
    return base.filter(receiving_agency_id=agency_id), numerator


def last_periods(today: date) -> list[tuple[str, date]]:
    """What the monthly run computes on ``today``: the previous month, and the previous quarter
    and year when they have just ended (published monthly, quarterly, yearly: TH 13.2,
    TN 16.3)."""
    previous = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    todo: list[tuple[str, date]] = [(IndexPeriod.Kind.MONTH, previous)]
    if today.month in (1, 4, 7, 10):
        todo.append((IndexPeriod.Kind.QUARTER, previous))
    if today.month == 1:
        todo.append((IndexPeriod.Kind.YEAR, previous))
    return todo

