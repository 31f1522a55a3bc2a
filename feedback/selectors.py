"""Read side of feedback (K2, K3): the staff queue scoped per agency, remaining working time
and lateness, and the public list of published answers (no personal data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dossiers.selectors import remaining_text
from portal.accounts.permissions import agency_ids_for, is_province_wide
from portal.accounts.roles import Perm
from portal.text import fold

from .models import OPEN_STATES, Feedback, State

#: Fields the public pages may read: never the sender's name, ID, phone, e-mail or address.
PUBLIC_FIELDS = ("id", "code", "title", "content", "answer", "received_at", "answered_at",
                 "published_at", "category", "agency__name", "agency_id")


def sees_all(user: Any) -> bool:
    return is_province_wide(user, Perm.VIEW_AGENCY_WORK) or is_province_wide(
        user, Perm.OPERATE_SYSTEM)


def staff_items(user: Any) -> QuerySet[Feedback]:
    """Items the user may see: all for province-level staff; otherwise those whose responsible,
    entering or coordinating agency is one of the user's agencies."""
    if not getattr(user, "is_authenticated", False):
        return Feedback.objects.none()
    if sees_all(user):
        return Feedback.objects.all()
    ids = agency_ids_for(user, Perm.VIEW_AGENCY_WORK) or set()
    if not ids:
        return Feedback.objects.none()
    coordinating = Feedback.coordinating_agencies.through.objects.filter(
        agency_id__in=ids).values("feedback_id")
    return Feedback.objects.filter(
        Q(agency_id__in=ids) | Q(agency__isnull=True, intake_agency_id__in=ids)
        | Q(pk__in=coordinating))


def is_staff_member(user: Any) -> bool:
    return sees_all(user) or bool(agency_ids_for(user, Perm.VIEW_AGENCY_WORK))


def queue(user: Any, *, state: str = "", late: bool = False, q: str = "",
          agency: int | None = None, now: datetime) -> QuerySet[Feedback]:
    """The staff queue: open items by default, oldest deadline first."""
    items = staff_items(user).select_related("agency")
    if state == "all":
        pass
    elif state in State.values:
        items = items.filter(state=state)
    else:
        items = items.filter(state__in=OPEN_STATES)
    if late:
        items = items.filter(state__in=OPEN_STATES, due_at__lt=now)
    if agency:
        items = items.filter(agency_id=agency)
    if q.strip():
        folded = fold(q)
        items = items.filter(Q(search_text__contains=folded) | Q(code__iexact=q.strip()))
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
