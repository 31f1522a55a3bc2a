"""Queries of the public catalogue (P1, P2, P6): keyword search with filters and the detail page.

The HTML pages and the API both go through :func:`search_procedures` and
:func:`procedure_detail`, so a filter means the same thing everywhere. Search is accent-insensitive
on every database: each folded token of the query (``portal.text.fold``) must occur in the folded
``search_text`` kept beside the name. On PostgreSQL the matches are ranked by trigram similarity
(``pg_trgm``, GIN index from migration 0002); elsewhere they come in name order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Collate, Substr
from django.utils.translation import gettext as _

from portal.agencies.models import Agency, AgencyLevel
from portal.text import fold

from .models import DossierComponent, EForm, Fee, Field, OnlineLevel, Procedure, TimeUnit

#: Rows per page on the public list.
PAGE_SIZE = 25
#: Longest accepted query and the most tokens searched (the rest are ignored).
MAX_QUERY_LENGTH = 200
MAX_TOKENS = 8


@dataclass(frozen=True)
class CatalogueFilters:
    """A validated catalogue search: the keyword and the optional filters."""

    q: str = ""
    agency: Agency | None = None
    level: AgencyLevel | None = None
    field: Field | None = None
    online_level: str = ""


def query_tokens(q: str) -> list[str]:
    """The folded words of a query, without duplicates, at most :data:`MAX_TOKENS`."""
    tokens: list[str] = []
    for token in fold(q[:MAX_QUERY_LENGTH]).split():
        if token not in tokens:
            tokens.append(token)
    return tokens[:MAX_TOKENS]


def _agency_q(agency: Agency) -> Q:
    """Procedures the agency owns, receives or decides (subqueries: no duplicate rows)."""
    receiving = Procedure.receiving_agencies.through.objects.filter(agency=agency)
    deciding = Procedure.deciding_agencies.through.objects.filter(agency=agency)
    return (
        Q(owner_agency=agency)
        | Q(pk__in=receiving.values("procedure_id"))
        | Q(pk__in=deciding.values("procedure_id"))
    )


def _name_order() -> Collate | Substr:
    """Alphabetical order without accents: the folded name, which follows the fixed-width
    national code (``1.001193 ``) in ``search_text``; byte order on every database."""
    key = Substr("search_text", len("1.001193 ") + 1)
    return Collate(key, "C") if connection.vendor == "postgresql" else key


def search_procedures(filters: CatalogueFilters) -> QuerySet[Procedure]:
    """Published (also suspended and abolished, never draft) procedures matching ``filters``,
    best match first, with what a result row shows already joined."""
    qs = Procedure.objects.published().select_related("field", "level")
    if filters.agency is not None:
        qs = qs.filter(_agency_q(filters.agency))
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.field is not None:
        qs = qs.filter(field=filters.field)
    if filters.online_level:
        qs = qs.filter(online_level=filters.online_level)

    tokens = query_tokens(filters.q)
    if not tokens:
        return qs.order_by(_name_order(), "national_code")
    words = Q()
    for token in tokens:
        words &= Q(search_text__contains=token)
    raw = filters.q.strip()
    qs = qs.filter(words | Q(national_code=raw))
    exact_code = Case(When(national_code=raw, then=Value(1)), default=Value(0),
                      output_field=IntegerField())
    qs = qs.annotate(exact_code=exact_code)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        qs = qs.annotate(rank=TrigramSimilarity("search_text", " ".join(tokens)))
        return qs.order_by("-exact_code", "-rank", _name_order(), "national_code")
    return qs.order_by("-exact_code", _name_order(), "national_code")


def filter_agencies() -> QuerySet[Agency]:
    """Agencies offered in the agency filter: those named by a public procedure."""
    public = Procedure.objects.published()
    return (
        Agency.objects.filter(
            Q(pk__in=public.values("owner_agency_id"))
            | Q(pk__in=Procedure.receiving_agencies.through.objects.filter(
                procedure__in=public).values("agency_id"))
            | Q(pk__in=Procedure.deciding_agencies.through.objects.filter(
                procedure__in=public).values("agency_id"))
        )
        .select_related("level")
        .order_by("level__rank", "name")
    )


def filter_levels() -> QuerySet[AgencyLevel]:
    return AgencyLevel.objects.filter(
        pk__in=Procedure.objects.published().values("level_id")
    ).order_by("rank", "name")


def filter_fields() -> QuerySet[Field]:
    return Field.objects.filter(
        pk__in=Procedure.objects.published().values("field_id")
    ).order_by("name")


def procedure_detail(national_code: str) -> Procedure | None:
    """A public procedure with everything its page shows (P1) in a fixed number of queries."""
    return detail_queryset().filter(national_code=national_code).first()


def detail_queryset() -> QuerySet[Procedure]:
    """Public procedures with every P1 item joined or prefetched; the active e-forms are in
    ``active_forms``."""
    return (
        Procedure.objects.published()
        .select_related("field", "level", "owner_agency")
        .prefetch_related(
            Prefetch("receiving_agencies", queryset=Agency.objects.order_by("name")),
            Prefetch("deciding_agencies", queryset=Agency.objects.order_by("name")),
            "methods",
            Prefetch("fees", queryset=Fee.objects.order_by("kind", "channel", "id")),
            "legal_basis",
            Prefetch(
                "components",
                queryset=DossierComponent.objects.select_related("form", "form__procedure"),
            ),
            Prefetch("forms", queryset=EForm.objects.filter(is_active=True).order_by("symbol"),
                     to_attr="active_forms"),
        )
    )


# -- display helpers shared by the page and the API -------------------------------------------


def format_vnd(amount: int | None) -> str:
    """Vietnamese money: ``1400000`` → ``"1.400.000 đ"``."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".") + " đ"


def format_number(value: Decimal | None) -> str:
    """``Decimal("5.0")`` → ``"5"``, ``Decimal("1.5")`` → ``"1,5"`` (Vietnamese decimal comma)."""
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")


def format_time(amount: Decimal | None, unit: str) -> str:
    """A processing time as its number and unit, e.g. "5 working days"."""
    if unit == TimeUnit.SAME_DAY:
        return str(TimeUnit.SAME_DAY.label)
    if amount is None:
        return ""
    return f"{format_number(amount)} {TimeUnit(unit).label}"


def fee_amount(fee: Fee) -> str:
    """What a fee row says: the formatted amount, the rule, or "free" for a zero amount."""
    if fee.amount_vnd is not None:
        text = _("free") if fee.amount_vnd == 0 else format_vnd(fee.amount_vnd)
        return f"{text} ({fee.rule})" if fee.rule else text
    return fee.rule


def online_level_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in OnlineLevel.choices]


def local_due(procedure: Procedure, now: datetime, channel: str | None = None) -> datetime | None:
    """``services.due_at`` that yields ``None`` when the calendar cannot answer (out of range)."""
    from portal.calendar.core import CalendarRangeError

    from .services import due_at

    try:
        return due_at(procedure, now, channel)
    except (CalendarRangeError, ValueError):
        return None
