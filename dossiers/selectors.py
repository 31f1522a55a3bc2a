"""Read-side rules of the one-stop intake (D2): the queue of an officer's agencies, punctuality
against the working-time calendar, the remaining working time as people read it.

Punctuality is measured on ``intake_due_at`` for dossiers awaiting intake (``submitted``): a
dossier asked to complete waits for the applicant, its intake clock is stopped. The "due soon"
boundary is turned into one instant (``now`` + 2 working hours through the calendar), so every
filter and counter is a plain range query on the indexed ``intake_due_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.permissions import agency_ids_for
from portal.accounts.roles import Perm
from portal.calendar.services import get_calendar
from procedures.models import Procedure

from .models import Dossier
from .states import State

#: Working hours before the intake deadline from which a dossier counts as "due soon".
INTAKE_DUE_SOON_WORKING_HOURS = 2

#: States an officer can list in the intake queue; the first is the default.
QUEUE_STATES: tuple[str, ...] = (State.SUBMITTED, State.INCOMPLETE)

Punctuality = Literal["late", "due_soon", "on_time"]
PUNCTUALITY_VALUES: tuple[str, ...] = ("late", "due_soon", "on_time")


def due_soon_boundary(now: datetime) -> datetime:
    """The instant before which an intake deadline counts as due soon."""
    return get_calendar().add_working_hours(now, INTAKE_DUE_SOON_WORKING_HOURS)


def punctuality(due: datetime | None, now: datetime) -> Punctuality:
    """``late`` once ``due`` has passed, ``due_soon`` within the next
    :data:`INTAKE_DUE_SOON_WORKING_HOURS` working hours, otherwise ``on_time``."""
    if due is None:
        return "on_time"
    if due < now:
        return "late"
    if due <= due_soon_boundary(now):
        return "due_soon"
    return "on_time"


def _duration_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}


def remaining_text(due: datetime | None, now: datetime) -> str:
    """"còn 3 giờ 20 phút làm việc" before ``due``, "quá hạn 2 giờ" after it; both measured in
    working time by the calendar (lunch breaks, nights, weekends and holidays do not count)."""
    if due is None:
        return ""
    calendar = get_calendar()
    if due >= now:
        return _("%(time)s of working time left") % {
            "time": _duration_text(calendar.elapsed_working(now, due))}
    late = calendar.elapsed_working(due, now)
    if late < timedelta(minutes=1):
        return _("overdue")
    return _("overdue by %(time)s") % {"time": _duration_text(late)}


# -- the queue -------------------------------------------------------------------------------


_MEMO_ATTR = "_dvc_intake_memo"


def _memo(user: Any, key: str, compute: Any) -> Any:
    """Per-request memo on the user object (like the permission helper's role cache): the
    agencies of an officer are resolved once per page, not once per query."""
    memo = getattr(user, _MEMO_ATTR, None)
    if memo is None:
        memo = {}
        setattr(user, _MEMO_ATTR, memo)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def receiving_agency_ids(user: Any) -> set[int] | None:
    """Agencies where ``user`` receives dossiers (``None``: every agency)."""
    return _memo(user, "ids", lambda: agency_ids_for(user, Perm.RECEIVE_DOSSIERS))


def receives_dossiers(user: Any) -> bool:
    ids = receiving_agency_ids(user)
    return ids is None or bool(ids)


def officer_dossiers(user: Any) -> QuerySet[Dossier]:
    """Every dossier of the agencies where ``user`` receives dossiers (drafts excluded: they
    are the applicant's own work until submitted). The same narrowing as
    ``permissions.scope(..., Perm.RECEIVE_DOSSIERS, "receiving_agency")``, from the agency ids
    resolved once per request."""
    qs = Dossier.objects.exclude(state=State.DRAFT)
    ids = receiving_agency_ids(user)
    return qs if ids is None else qs.filter(receiving_agency__in=ids)


def received_procedures(user: Any) -> QuerySet[Procedure]:
    """Procedures accepting dossiers that one of the user's agencies receives (a procedure
    without receiving agencies is received by its owner agency, as in ``start_draft``)."""
    qs = Procedure.objects.accepting()
    ids = receiving_agency_ids(user)
    if ids is not None:
        qs = qs.filter(Q(receiving_agencies__in=ids)
                       | Q(receiving_agencies__isnull=True, owner_agency__in=ids)).distinct()
    return qs.order_by("name")


def _punctuality_q(value: str, now: datetime) -> Q:
    late = Q(state=State.SUBMITTED, intake_due_at__lt=now)
    if value == "late":
        return late
    boundary = due_soon_boundary(now)
    if value == "due_soon":
        return Q(state=State.SUBMITTED, intake_due_at__gte=now, intake_due_at__lte=boundary)
    return Q(state=State.SUBMITTED, intake_due_at__gt=boundary)


def _base_queue(user: Any, *, procedure: Any = None, state: str | None = None,
                channel: str | None = None) -> QuerySet[Dossier]:
    qs = officer_dossiers(user).filter(state=state if state in QUEUE_STATES else State.SUBMITTED)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if channel:
        qs = qs.filter(channel=channel)
    return qs


def intake_queue(user: Any, *, procedure: Any = None, state: str | None = None,
                 channel: str | None = None, punctuality: str | None = None,
                 now: datetime | None = None) -> QuerySet[Dossier]:
    """Dossiers of the user's agencies awaiting intake (``submitted``, or ``incomplete`` when
    asked), the oldest intake deadline first."""
    qs = _base_queue(user, procedure=procedure, state=state, channel=channel)
    if punctuality in PUNCTUALITY_VALUES:
        qs = qs.filter(_punctuality_q(punctuality, now or timezone.now()))
    return qs.select_related("procedure", "receiving_agency").order_by("intake_due_at", "pk")


@dataclass(frozen=True)
class QueueCounters:
    total: int
    late: int
    due_soon: int
    on_time: int


def queue_counters(user: Any, *, procedure: Any = None, state: str | None = None,
                   channel: str | None = None, now: datetime | None = None) -> QueueCounters:
    """How many dossiers of the queue (before the punctuality filter) are late, due soon and on
    time: one aggregate query."""
    now = now or timezone.now()
    qs = _base_queue(user, procedure=procedure, state=state, channel=channel)
    counts = qs.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=_punctuality_q("late", now)),
        due_soon=Count("pk", filter=_punctuality_q("due_soon", now)),
        on_time=Count("pk", filter=_punctuality_q("on_time", now)),
    )
    return QueueCounters(**{key: value or 0 for key, value in counts.items()})


def is_late_intake(dossier: Dossier, now: datetime | None = None) -> bool:
    """A dossier still awaiting intake past its intake deadline (flagged, never blocking)."""
    return (dossier.state == State.SUBMITTED and dossier.intake_due_at is not None
            and dossier.intake_due_at < (now or timezone.now()))


def late_intake_count(user: Any, now: datetime | None = None) -> int:
    """Dossiers of the user's agencies awaiting intake past their deadline."""
    return officer_dossiers(user).filter(_punctuality_q("late", now or timezone.now())).count()


def badge(dossier: Dossier, now: datetime) -> dict[str, str]:
    """What the queue and the dossier page show about the deadline of ``dossier``."""
    if dossier.state == State.SUBMITTED:
        return {"punctuality": punctuality(dossier.intake_due_at, now),
                "text": remaining_text(dossier.intake_due_at, now)}
    if dossier.state == State.INCOMPLETE:
        return {"punctuality": "waiting", "text": _("waiting for the applicant")}
    return {"punctuality": "", "text": ""}
