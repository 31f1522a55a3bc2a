"""Deadline timers (issue 6; TN 12.6, TG 15.2): warn officers before their intake or step
deadline, mark dossiers and steps overdue at their due instant and tell the agency leader.

Run every five minutes by beat (``dossiers.sweep_deadlines``). Each warning is sent once per
due instant: the flag (``intake_warned_at``, ``overdue_at``, ``warned_at``) is set by a
conditional UPDATE in the same transaction as the :func:`~portal.notifications.services.notify`
rows, whose ``dedupe_key`` is ``<kind>:<id>:<due iso>:<user id>``; a sweep killed halfway,
run twice at once or after a restart sends nothing twice. A due instant that moves (the clock
resumed after a supplement, a new submission) clears the flag or starts a new round, and is
warned again. Each kind of message is a row of :data:`TIMERS` (its selection, flag, condition,
recipients and texts), applied by :func:`_apply`. The selection queries read only due rows
through the indexes ``(receiving_agency, state, intake_due_at)``,
``(processing_agency, state, processing_due_at)`` and the partial ``open_step_due_idx`` (see
``bench/sweep_bench.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.agencies.models import Agency, Province
from portal.calendar.services import get_calendar
from portal.notifications.services import notify

from .models import Dossier, DossierStep
from .states import State

#: At most this many rows of each kind per run; the next run takes the rest.
BATCH = 5000
#: Rows per transaction.
CHUNK = 100
#: The cache entry holding where the previous run's overdue selections ended.
MARK_KEY = "dossiers.timers.mark"
MARK_MARGIN = timedelta(hours=1)
FULL_EVERY = timedelta(hours=24)
#: States in which the result due time runs (the clock stands still while waiting).
RUNNING = (State.RECEIVED, State.PROCESSING)


@dataclass
class SweepResult:
    intake_warned: int = 0
    intake_overdue: int = 0
    result_overdue: int = 0
    steps_warned: int = 0
    steps_overdue: int = 0
    notified: set[int] = field(default_factory=set)

    def total(self) -> int:
        return (self.intake_warned + self.intake_overdue + self.result_overdue
                + self.steps_warned + self.steps_overdue)


def horizon(now: datetime) -> datetime:
    """The instant ``due_warning_working_hours`` working hours after ``now``."""
    return get_calendar().add_working_hours(now, Province.current().due_warning_working_hours)


# -- selection (indexed; see bench/sweep_bench.py) -------------------------------------------


def _agency_ids() -> list[int]:
    return list(Agency.objects.values_list("pk", flat=True))


def intake_due_soon(now: datetime, until: datetime, agencies: list[int]) -> QuerySet[Dossier]:
    """Submitted dossiers whose intake is due in (now, until], not warned in this round."""
    return Dossier.objects.filter(
        Q(intake_warned_at__isnull=True) | Q(intake_warned_at__lt=F("submitted_at")),
        receiving_agency_id__in=agencies, state=State.SUBMITTED,
        intake_due_at__gt=now, intake_due_at__lte=until).order_by("intake_due_at")


def _since(field: str, lower: datetime | None) -> Q:
    return Q(**{f"{field}__gt": lower}) if lower is not None else Q()


def intake_overdue(now: datetime, agencies: list[int], lower: datetime | None = None
                   ) -> QuerySet[Dossier]:
    """Submitted dossiers past their intake due time (after ``lower``), not marked in this
    round."""
    return Dossier.objects.filter(
        Q(overdue_at__isnull=True) | Q(overdue_at__lt=F("submitted_at")),
        _since("intake_due_at", lower),
        receiving_agency_id__in=agencies, state=State.SUBMITTED, intake_due_at__lte=now
    ).order_by("intake_due_at")


def result_overdue(now: datetime, agencies: list[int], state: str,
                   lower: datetime | None = None) -> QuerySet[Dossier]:
    """Dossiers in ``state`` (received or processing) past their result due time (after
    ``lower``), not marked since intake. One state per query: the condition is an index
    range."""
    return Dossier.objects.filter(
        Q(overdue_at__isnull=True) | Q(overdue_at__lt=F("received_at")),
        _since("processing_due_at", lower),
        processing_agency_id__in=agencies, state=state, processing_due_at__lte=now
    ).order_by("processing_due_at")


def steps_due_soon(now: datetime, until: datetime) -> QuerySet[DossierStep]:
    """Open steps due in (now, until] whose holder was not warned yet."""
    return DossierStep.objects.filter(finished_at__isnull=True, due_at__gt=now,
                                      due_at__lte=until, warned_at__isnull=True
                                      ).order_by("due_at")


def steps_overdue(now: datetime, lower: datetime | None = None) -> QuerySet[DossierStep]:
    """Open steps past their due time (after ``lower``), not marked yet."""
    return DossierStep.objects.filter(_since("due_at", lower), finished_at__isnull=True,
                                      due_at__lte=now, overdue_at__isnull=True
                                      ).order_by("due_at")


# -- recipients ------------------------------------------------------------------------------


class Recipients:
    """Officers by (agency, role), read once per sweep."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], list[tuple[User, str]]] = {}

    def _members(self, agency_id: int, role: str) -> list[tuple[User, str]]:
        key = (agency_id, role)
        if key not in self._cache:
            self._cache[key] = [
                (m.user, m.unit) for m in Membership.objects.current().select_related("user")
                .filter(agency_id=agency_id, role=role, user__is_active=True).order_by("user_id")]
        return self._cache[key]

    def users(self, agency_id: int | None, role: str, unit: str = "") -> list[User]:
        if agency_id is None:
            return []
        members = self._members(agency_id, role)
        if unit:
            in_unit = [u for u, m_unit in members if m_unit in (unit, "")]
            if in_unit:
                return _unique(in_unit)
        return _unique(u for u, _unit in members)


def _unique(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


# -- messages ------------------------------------------------------------------------------


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def _link(dossier_id: int, *, processing: bool) -> str:
    names = ("processing:dossier", "intake:dossier") if processing else ("intake:dossier",)
    for name in names:
        try:
            return reverse(name, args=[dossier_id])
        except NoReverseMatch:
            continue
    return ""


def _dossier_params(d: Dossier, due: datetime) -> dict[str, Any]:
    return {"code": d.code, "procedure": d.procedure.name, "due": _when(due)}


def _step_params(step: DossierStep, due: datetime) -> dict[str, Any]:
    d = step.dossier
    return {"code": d.code, "step": step.name, "procedure": d.procedure.name, "due": _when(due)}


def _holder(step: DossierStep) -> str:
    return (step.assignee.get_full_name() if step.assignee_id and step.assignee
            else _("unassigned"))


# -- the timers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """What one sweep selects: warnings due in (now, until], overdue rows due by ``now`` (and
    after ``lower`` when set), in the receiving or processing ``agencies``."""

    now: datetime
    until: datetime
    agencies: list[int]
    lower: datetime | None


@dataclass(frozen=True)
class Timer:
    """One kind of deadline message. A selected row is flagged (``flag`` set to now) by an
    UPDATE that requires ``pending`` and the same due instant, so only one run per due instant
    gets a row count of 1; that run queues the messages with the dedupe key
    ``<kind>:<row id>:<due iso>:<user id>``."""

    kind: str  # the message kind, the first part of the dedupe key
    counter: str  # the SweepResult field counting the flagged rows
    select: Callable[[Window], list[QuerySet[Any]]]  # due rows, one queryset per index range
    model: type[Dossier] | type[DossierStep]
    due: str  # the due instant's field
    flag: str
    pending: Q  # not flagged for this due instant (and still open)
    role: str  # the recipients: the active officers with this role …
    agency: Callable[[Any], int | None]  # … of this agency
    params: Callable[[Any, datetime], dict[str, Any]]  # (row, due) → the texts' parameters
    subject: Callable[[dict[str, Any]], str]
    body: Callable[[dict[str, Any]], str]
    link: Callable[[Any], str]
    to_holder: bool = False  # a step: its assignee if any, else ``role`` in the step's unit

    def users(self, row: Any, recipients: Recipients) -> list[User]:
        if not self.to_holder:
            return recipients.users(self.agency(row), self.role)
        if row.assignee_id is not None:
            return [row.assignee] if row.assignee and row.assignee.is_active else []
        return recipients.users(self.agency(row), self.role, row.unit)


DOSSIER_RELATED = ("procedure", "receiving_agency")
STEP_RELATED = ("dossier", "dossier__procedure", "assignee")

#: The timers, in the order a sweep runs them.
TIMERS: tuple[Timer, ...] = (
    Timer(
        kind="intake_due_soon", counter="intake_warned",
        select=lambda w: [intake_due_soon(w.now, w.until, w.agencies).select_related(
            *DOSSIER_RELATED)],
        model=Dossier, due="intake_due_at", flag="intake_warned_at",
        pending=((Q(intake_warned_at__isnull=True) | Q(intake_warned_at__lt=F("submitted_at")))
                 & Q(state=State.SUBMITTED)),
        role=Role.INTAKE_OFFICER, agency=lambda d: d.receiving_agency_id,
        params=_dossier_params,
        subject=lambda p: _("Dossier %(code)s must be received by %(due)s") % p,
        body=lambda p: _("The intake deadline of dossier %(code)s (%(procedure)s) is %(due)s. "
                         "Receive it, ask for its completion or refuse it before then.") % p,
        link=lambda d: _link(d.pk, processing=False)),
    Timer(
        kind="intake_overdue", counter="intake_overdue",
        select=lambda w: [intake_overdue(w.now, w.agencies, w.lower).select_related(
            *DOSSIER_RELATED)],
        model=Dossier, due="intake_due_at", flag="overdue_at",
        pending=((Q(overdue_at__isnull=True) | Q(overdue_at__lt=F("submitted_at")))
                 & Q(state=State.SUBMITTED)),
        role=Role.AGENCY_LEADER, agency=lambda d: d.receiving_agency_id,
        params=lambda d, due: {**_dossier_params(d, due), "agency": d.receiving_agency.name},
        subject=lambda p: _("Dossier %(code)s is overdue for intake") % p,
        body=lambda p: _("Dossier %(code)s (%(procedure)s) had to be received by %(due)s and is "
                         "still waiting for intake at %(agency)s.") % p,
        link=lambda d: _link(d.pk, processing=False)),
    Timer(
        kind="result_overdue", counter="result_overdue",
        select=lambda w: [result_overdue(w.now, w.agencies, state, w.lower).select_related(
            *DOSSIER_RELATED) for state in RUNNING],
        model=Dossier, due="processing_due_at", flag="overdue_at",
        pending=((Q(overdue_at__isnull=True) | Q(overdue_at__lt=F("received_at")))
                 & Q(state__in=RUNNING)),
        role=Role.AGENCY_LEADER,
        agency=lambda d: d.processing_agency_id or d.receiving_agency_id,
        params=_dossier_params,
        subject=lambda p: _("Dossier %(code)s is past its result due time") % p,
        body=lambda p: _("The result of dossier %(code)s (%(procedure)s) was due at %(due)s. "
                         "The applicant must receive an apology letter with a new "
                         "appointment.") % p,
        link=lambda d: _link(d.pk, processing=True)),
    Timer(
        kind="step_due_soon", counter="steps_warned",
        select=lambda w: [steps_due_soon(w.now, w.until).select_related(*STEP_RELATED)],
        model=DossierStep, due="due_at", flag="warned_at",
        pending=Q(finished_at__isnull=True, warned_at__isnull=True),
        role=Role.PROCESSING_OFFICER, agency=lambda s: s.agency_id, to_holder=True,
        params=_step_params,
        subject=lambda p: _("Step “%(step)s” of dossier %(code)s is due at %(due)s") % p,
        body=lambda p: _("The step “%(step)s” of dossier %(code)s (%(procedure)s) must be done "
                         "by %(due)s.") % p,
        link=lambda s: _link(s.dossier_id, processing=True)),
    Timer(
        kind="step_overdue", counter="steps_overdue",
        select=lambda w: [steps_overdue(w.now, w.lower).select_related(*STEP_RELATED)],
        model=DossierStep, due="due_at", flag="overdue_at",
        pending=Q(finished_at__isnull=True, overdue_at__isnull=True),
        role=Role.AGENCY_LEADER, agency=lambda s: s.agency_id,
        params=lambda s, due: {**_step_params(s, due), "holder": _holder(s)},
        subject=lambda p: _("Step “%(step)s” of dossier %(code)s is overdue") % p,
        body=lambda p: _("The step “%(step)s” of dossier %(code)s (%(procedure)s), held by "
                         "%(holder)s, was due at %(due)s.") % p,
        link=lambda s: _link(s.dossier_id, processing=True)),
)


def _apply(timer: Timer, row: Any, now: datetime, recipients: Recipients,
           result: SweepResult) -> int:
    """Flag ``row`` for ``timer`` and queue its messages, in the caller's transaction. Returns 1,
    or 0 when the flag was set already (another run) or the due instant moved meanwhile."""
    due = getattr(row, timer.due)
    if due is None:
        return 0
    if not timer.model.objects.filter(timer.pending, pk=row.pk, **{timer.due: due}).update(
            **{timer.flag: now}):
        return 0
    params = timer.params(row, due)
    subject, body, link = timer.subject(params), timer.body(params), timer.link(row)
    key = f"{timer.kind}:{row.pk}:{due.isoformat()}"
    for user in timer.users(row, recipients):
        notify(kind=timer.kind, subject=subject, body=body, user=user, link=link,
               dedupe_key=f"{key}:{user.pk}")
        result.notified.add(user.pk)
    return 1


# -- the sweep -------------------------------------------------------------------------------


def _mark() -> dict[str, datetime] | None:
    value = cache.get(MARK_KEY)
    return value if isinstance(value, dict) else None


def sweep(now: datetime | None = None, *, full: bool | None = None) -> SweepResult:
    """One pass of the timers; safe to run at any time, concurrently or again. Rows are handled
    in chunks of :data:`CHUNK`, one transaction each: a crash rolls a chunk back whole (flags
    and messages together) and the next run takes it again.

    The overdue selections read only due instants after the previous run (less
    :data:`MARK_MARGIN`), kept in the cache; without that mark, or once a day, the run is full
    (no lower bound), which also catches a due instant a calendar change moved into the past.
    Losing the cache costs one full run, never a missed warning: the flags decide."""
    now = now or timezone.now()
    mark = _mark()
    if full is None:
        full = mark is None or now - mark["full"] > FULL_EVERY or mark["until"] > now
    lower = None if full or mark is None else mark["until"] - MARK_MARGIN
    result = SweepResult()
    recipients = Recipients()
    agencies = _agency_ids()
    window = Window(now=now, until=horizon(now), agencies=agencies, lower=lower)
    complete = True
    with translation.override("vi"):
        for timer in TIMERS:
            for queryset in timer.select(window):
                rows = list(queryset[:BATCH])
                complete = complete and len(rows) < BATCH
                for start in range(0, len(rows), CHUNK):
                    with transaction.atomic():
                        done = sum(_apply(timer, row, now, recipients, result)
                                   for row in rows[start:start + CHUNK])
                    setattr(result, timer.counter, getattr(result, timer.counter) + done)
    if complete:  # a run cut short by BATCH keeps the old mark: the next one sees the rest
        cache.set(MARK_KEY, {"until": now, "full": now if full or mark is None
                             else mark["full"]}, None)
    return result
