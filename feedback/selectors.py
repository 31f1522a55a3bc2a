"""Read side of feedback (K2, K3): the staff queue scoped per agency, remaining working time
and lateness, and the public list of published answers (no personal data)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dossiers.selectors import remaining_text
from portal.accounts.permissions import agency_ids_for, is_province_wide
from portal.accounts.roles import Perm
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


def staff_items(user: Any) -> QuerySet[Feedback]:
    """Items the user may see: all for province-level staff; otherwise the items assigned to
    one of the user's agencies, the items it entered that still wait for triage, and those it
    was asked to coordinate on. The few extra ids are read first, so that the queue's query
    stays a plain index range on the responsible agency."""
    if not getattr(user, "is_authenticated", False):
        return Feedback.objects.none()
    ids = _agency_ids(user)
    if ids is None:
        return Feedback.objects.all()
    if not ids:
        return Feedback.objects.none()
    waiting = Feedback.objects.filter(
        agency__isnull=True, intake_agency_id__in=ids,
        state__in=(State.RECEIVED, State.CLASSIFIED)).order_by().values_list("pk", flat=True)
    coordinating = Feedback.coordinating_agencies.through.objects.filter(
        agency_id__in=ids).order_by().values_list("feedback_id", flat=True)
    extra = list(waiting.union(coordinating)[:1000])  # type: ignore[arg-type]
    return Feedback.objects.filter(Q(agency_id__in=ids) | Q(pk__in=extra))


def is_staff_member(user: Any) -> bool:
    return _agency_ids(user) is None or bool(_agency_ids(user))


def queue(user: Any, *, state: str = "", late: bool = False, q: str = "",
          agency: int | None = None, now: datetime) -> QuerySet[Feedback]:
    """The staff queue: open items by default, oldest deadline first."""
    items = staff_items(user).select_related("agency")
    states: tuple[str, ...] | None = (None if state == "all" else (state,)
                                      if state in State.values else OPEN_STATES)
    if late:  # still open past the deadline; one state condition so the partial index serves
        states = tuple(s for s in (states or OPEN_STATES) if s in OPEN_STATES)
        items = items.filter(due_at__lt=now)
    if states is not None:
        items = items.filter(state__in=states) if len(states) > 1 else items.filter(
            state=states[0] if states else "-")
    if agency:
        items = items.filter(agency_id=agency)
    if q.strip():
        text = q.strip()
        if CODE.match(text):
            items = items.filter(code=text.upper())
        else:
            items = items.filter(search_text__contains=fold(text))
    return items.only("id", "code", "title", "state", "channel", "received_at", "due_at",
                      "late_entry", "category", "agency__name", "agency_id", "answered_at",
                      "first_answered_at").order_by("due_at", "pk")


def is_late(item: Feedback, now: datetime) -> bool:
    """Late when still open after the deadline, or first answered after it."""
    if item.first_answered_at is not None:
        return item.first_answered_at > item.due_at
    return item.state in OPEN_STATES and item.due_at < now


def deadline_text(item: Feedback, now: datetime) -> str:
    if item.state in OPEN_STATES:
        return remaining_text(item.due_at, now)
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
