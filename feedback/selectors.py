"""Read side of feedback (K2, K3): the staff queue scoped per agency, remaining working time
and lateness, and the public list of published answers (no personal data)."""

from __future__ import annotations

import operator
import re
from datetime import datetime
from functools import reduce
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from portal.accounts.permissions import agency_ids_for, is_province_wide
from portal.accounts.roles import Perm
from portal.calendar.core import WorkingCalendar
from portal.calendar.services import remaining_text
from portal.querysets import merged_window
from portal.text import fold

from .models import OPEN_STATES, Feedback, State

#: A feedback code typed in the search box (``PA-261102-1A2B3C``).
CODE = re.compile(r"^PA-[0-9A-Z-]+$", re.IGNORECASE)

#: Fields the public pages may read: never the sender's name, ID, phone, e-mail or address.
PUBLIC_FIELDS = ("id", "code", "state", "title", "content", "answer", "received_at", "answered_at",
                 "published_at", "category", "agency__name", "agency_id")


def sees_all(user: Any) -> bool:
    return is_province_wide(user, Perm.VIEW_AGENCY_WORK) or is_province_wide(
        user, Perm.OPERATE_SYSTEM)


_MEMO = "_dvc_feedback_agencies"


def _agency_ids(user: Any) -> set[int] | None:
    """The user's agencies for feedback (``None``: every agency), resolved once per request."""
    if not hasattr(user, _MEMO):
        setattr(user, _MEMO, None if sees_all(user)
                else agency_ids_for(user, Perm.VIEW_AGENCY_WORK) or set())
    return getattr(user, _MEMO)  # type: ignore[no-any-return]


def _branches(user: Any) -> list[Q] | None:
    """What an agency officer sees, as disjoint branches (``None``: everything; ``[]``:
    nothing): the items assigned to one of the user's agencies, the items it entered that
    still wait for triage, and those it was asked to coordinate on (minus the first two).
    Each branch is read through its own index (see :class:`QueueWindow`)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = _agency_ids(user)
    if ids is None:
        return None
    if not ids:
        return []
    own = Q(agency_id__in=ids)
    waiting = Q(agency__isnull=True, intake_agency_id__in=ids,
                state__in=(State.RECEIVED, State.CLASSIFIED))
    asked = Q(pk__in=Feedback.coordinating_agencies.through.objects.filter(
        agency_id__in=ids).values("feedback_id"))
    return [own, waiting, asked & ~own & ~waiting]


def staff_items(user: Any) -> QuerySet[Feedback]:
    """Items the user may see: all for province-level staff; otherwise the items assigned to
    one of the user's agencies, the items it entered that still wait for triage, and those it
    was asked to coordinate on."""
    branches = _branches(user)
    if branches is None:
        return Feedback.objects.all()
    if not branches:
        return Feedback.objects.none()
    return Feedback.objects.filter(reduce(operator.or_, branches))


def is_staff_member(user: Any) -> bool:
    return _agency_ids(user) is None or bool(_agency_ids(user))


#: The columns a queue row shows.
QUEUE_FIELDS = ("id", "code", "title", "state", "channel", "received_at", "due_at", "late_entry",
                "category", "agency__name", "agency_id", "answered_at", "first_answered_at")


def _queue_filter(*, state: str = "", late: bool = False, q: str = "",
                  agency: int | None = None, now: datetime) -> Q:
    """The queue's filters: open items by default."""
    cond = Q()
    states: tuple[str, ...] | None = (None if state == "all" else (state,)
                                      if state in State.values else OPEN_STATES)
    if late:  # still open past the deadline; one state condition so the partial index serves
        states = tuple(s for s in (states or OPEN_STATES) if s in OPEN_STATES)
        cond &= Q(due_at__lt=now)
    if states is not None:
        cond &= Q(state__in=states) if len(states) > 1 else Q(
            state=states[0] if states else "-")
    if agency:
        cond &= Q(agency_id=agency)
    if q.strip():
        text = q.strip()
        cond &= Q(code=text.upper()) if CODE.match(text) else Q(
            search_text__contains=fold(text))
    return cond


def queue(user: Any, *, state: str = "", late: bool = False, q: str = "",
          agency: int | None = None, now: datetime) -> QuerySet[Feedback]:
    """The staff queue: open items by default, oldest deadline first."""
    return (staff_items(user).filter(_queue_filter(state=state, late=late, q=q, agency=agency,
                                                   now=now))
            .select_related("agency").only(*QUEUE_FIELDS).order_by("due_at", "pk"))


class QueueWindow:
    """The staff queue as the paginator sees it.

    Province staff read one plain query. For an agency officer the visibility branches
    (:func:`_branches`: assigned to my agencies / entered by them and waiting for triage /
    coordinating) are disjoint, and each is read through its own index instead of one ``OR``
    that reads every visible item from the table: the count sums one count per branch (an
    index-only scan each) in one query, each branch stopping at ``count_cap`` (text
    searches); a page reads, in one query, the rows whose keys the union of the branches
    gives — each branch in deadline order cut at the page's end, merged."""

    def __init__(self, user: Any, *, now: datetime, count_cap: int | None = None,
                 **filters: Any) -> None:
        self.branches = _branches(user)
        self.cond = _queue_filter(now=now, **filters)
        self.count_cap = count_cap

    def _rows(self, qs: QuerySet[Feedback]) -> QuerySet[Feedback]:
        return qs.select_related("agency").only(*QUEUE_FIELDS).order_by("due_at", "pk")

    @cached_property
    def _parts(self) -> list[QuerySet[Feedback]]:
        return [Feedback.objects.filter(branch & self.cond) for branch in self.branches or ()]

    def count(self) -> int:
        if self.branches is None:
            plain = Feedback.objects.filter(self.cond)
            return (plain.count() if self.count_cap is None
                    else plain[:self.count_cap].count())
        sqls: list[str] = []
        params: list[Any] = []
        for part in self._parts:
            ones = part.order_by().annotate(one=Value(1)).values_list("one")
            if self.count_cap is not None:
                ones = ones[:self.count_cap]
            try:
                sql, part_params = ones.query.sql_with_params()
            except EmptyResultSet:  # a branch that can match nothing
                continue
            sqls.append(f"(SELECT COUNT(*) FROM ({sql}) AS b)")  # noqa: S608
            params.extend(part_params)
        if not sqls:
            return 0
        with connection.cursor() as cursor:
            # the branches are ORM-compiled SQL with their parameters
            cursor.execute(f"SELECT {' + '.join(sqls)}", params)
            row = cursor.fetchone()
        total = int(row[0] or 0) if row else 0
        return total if self.count_cap is None else min(total, self.count_cap)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Feedback]:
        start = window.start or 0
        stop = self.count() if window.stop is None else window.stop
        if self.branches is None:
            return list(self._rows(Feedback.objects.filter(self.cond))[start:stop])
        if stop <= start:
            return []
        page = merged_window(self._parts, start, stop)
        if page is None:
            return []
        return list(self._rows(Feedback.objects.filter(pk__in=page)))


def is_late(item: Feedback, now: datetime) -> bool:
    """Late when still open after the deadline, or first answered after it."""
    if item.first_answered_at is not None:
        return item.first_answered_at > item.due_at
    return item.state in OPEN_STATES and item.due_at < now


def deadline_text(item: Feedback, now: datetime, calendar: WorkingCalendar | None = None
                  ) -> str:
    if item.state in OPEN_STATES:
        return remaining_text(item.due_at, now, calendar)
    if item.first_answered_at is not None:
        return _("answered late") if item.first_answered_at > item.due_at else _(
            "answered on time")
    return ""


def published(*, q: str = "", agency: int | None = None, category: str = "",
              year: int | None = None) -> QuerySet[Feedback]:
    """The public list (K3): published answers only, with public fields only."""
    items = Feedback.objects.filter(state=State.PUBLISHED).select_related("agency")
    if q.strip():
        items = items.filter(search_text__contains=fold(q))
    if agency:
        items = items.filter(agency_id=agency)
    if category:
        items = items.filter(category=category)
    if year:
        items = items.filter(published_at__year=year)
    return items.only(*PUBLIC_FIELDS).order_by("-published_at", "-pk")
