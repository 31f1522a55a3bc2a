"""Read-side rules of the one-stop intake (D2): the queue of an officer's agencies, punctuality
against the working-time calendar, the remaining working time as people read it.

Punctuality is measured on ``intake_due_at`` for dossiers awaiting intake (``submitted``): a
dossier asked to complete waits for the applicant, its intake clock is stopped. The "due soon"
boundary is turned into one instant (``now`` + 2 working hours through the calendar), so every
filter and counter is a plain range query on the indexed ``intake_due_at``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.permissions import agency_ids_for
from portal.accounts.roles import Perm
from portal.agencies import tree as agency_tree
from portal.calendar.core import WorkingCalendar
from portal.calendar.services import get_calendar, remaining_text
from portal.querysets import merged_window
from procedures.models import Procedure

from . import queue_versions
from .models import Dossier, DossierStep
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


def badge(dossier: Dossier, now: datetime, calendar: WorkingCalendar | None = None
          ) -> dict[str, str]:
    """What the queue and the dossier page show about the deadline of ``dossier``."""
    if dossier.state == State.SUBMITTED:
        return {"punctuality": punctuality(dossier.intake_due_at, now),
                "text": remaining_text(dossier.intake_due_at, now, calendar)}
    if dossier.state == State.INCOMPLETE:
        return {"punctuality": "waiting", "text": _("waiting for the applicant")}
    return {"punctuality": "", "text": ""}


# -- the processing queue (D5) ---------------------------------------------------------------

#: Working hours before a step's due instant from which it counts as "due soon".
STEP_DUE_SOON_WORKING_HOURS = 4
#: What the processing queue can show: the officer's own steps, steps nobody holds yet, all.
STEP_SCOPES: tuple[str, ...] = ("all", "mine", "unassigned")
STEP_STATES: tuple[str, ...] = (State.PROCESSING, "waiting")


@dataclass(frozen=True)
class ProcessingScope:
    """What one officer may see of the open steps, resolved in two queries per request: the
    memberships in force (with their units) and the agency tree."""

    user_id: int
    everywhere: bool
    #: agencies where the user leads (sees every step)
    lead: frozenset[int]
    #: agencies where the user processes dossiers: unassigned steps of these units
    process: frozenset[int]
    units: frozenset[str]
    agency_wide: bool
    #: (agency, unit) the user heads (``Membership.leads_unit``): every open step of the unit
    led_units: frozenset[tuple[int, str]] = frozenset()

    @property
    def is_officer(self) -> bool:
        return self.everywhere or bool(self.process) or bool(self.lead)

    def visible_agencies(self) -> frozenset[int] | None:
        return None if self.everywhere else self.lead | self.process

    def branches(self) -> list[Q]:
        """The parts of :meth:`step_q`, each served by its own index in due order."""
        if self.everywhere:
            return [Q()]
        parts = [Q(assignee_id=self.user_id)]
        if self.lead:
            parts.append(Q(agency_id__in=sorted(self.lead)))
        parts += [Q(agency_id=agency, unit=unit) for agency, unit in sorted(self.led_units)
                  if agency not in self.lead]
        takeable = self.process - self.lead
        if takeable:
            unit_q = Q() if self.agency_wide else (Q(unit="") | Q(unit__in=sorted(self.units)))
            parts.append(Q(assignee__isnull=True, agency_id__in=sorted(takeable)) & unit_q)
        return parts

    def step_q(self) -> Q:
        """Open steps the user holds, may take (their agency and unit) or leads."""
        visible = Q()
        for i, part in enumerate(self.branches()):
            visible = part if i == 0 else visible | part
        return visible


def processing_scope(user: Any) -> ProcessingScope:
    """The :class:`ProcessingScope` of ``user`` (memoised per request)."""

    def compute() -> ProcessingScope:
        from portal.accounts import permissions
        from portal.accounts.models import Membership
        from portal.accounts.roles import AGENCY_ROLE_PERMS, PROVINCE_ROLE_PERMS, Role

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return ProcessingScope(0, False, frozenset(), frozenset(), frozenset(), False)
        # one query gives the units too; it also fills the permission helper's per-request
        # role cache, so the page's other permission checks cost nothing more
        memberships = list(Membership.objects.current().filter(user_id=user.pk)
                           .values_list("role", "agency_id", "unit", "leads_unit"))
        rows = [(r, a, u) for r, a, u, _lead in memberships]
        if not hasattr(user, permissions._CACHE_ATTR):
            setattr(user, permissions._CACHE_ATTR, [(r, a) for r, a, _u in rows])
        if user.is_superuser or any(Perm.PROCESS_DOSSIERS in PROVINCE_ROLE_PERMS.get(r, ())
                                    for r, _a, _u in rows):
            return ProcessingScope(user.pk, True, frozenset(), frozenset(), frozenset(), True)
        lead_roots = {a for role, a, _u in rows
                      if Perm.APPROVE_RESULTS in AGENCY_ROLE_PERMS.get(role, ())}
        process_rows = [(a, u) for role, a, u in rows
                        if Perm.PROCESS_DOSSIERS in AGENCY_ROLE_PERMS.get(role, ())]
        if not lead_roots and not process_rows:
            return ProcessingScope(user.pk, False, frozenset(), frozenset(), frozenset(), False)
        units = frozenset(u for _a, u in process_rows if u)
        led = frozenset((a, u) for r, a, u, lead in memberships
                        if lead and u and r == Role.PROCESSING_OFFICER)
        # the active agencies below (the cached agency tree: no query)
        return ProcessingScope(
            user.pk, False, frozenset(agency_tree.descendants(lead_roots, active_only=True)),
            frozenset(agency_tree.descendants({a for a, _u in process_rows},
                                              active_only=True)),
            units, any(not u for _a, u in process_rows), led)

    result: ProcessingScope = _memo(user, "processing_scope", compute)
    return result


def processes_dossiers(user: Any) -> bool:
    return processing_scope(user).is_officer


def processing_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers an officer of the processing side may open: those of the agencies where they
    process or lead (as processing agency, or holding one of its steps — inter-agency)."""
    scope = processing_scope(user)
    qs = Dossier.objects.exclude(processing_agency__isnull=True)
    ids = scope.visible_agencies()
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    inner = DossierStep.objects.filter(agency_id__in=sorted(ids)).values("dossier_id")
    return qs.filter(Q(processing_agency_id__in=sorted(ids)) | Q(pk__in=inner))


def step_due_soon_boundary(now: datetime) -> datetime:
    return get_calendar().add_working_hours(now, STEP_DUE_SOON_WORKING_HOURS)


def _waiting_q() -> Q:
    """Steps of dossiers waiting for the applicant (the clock stands still): the step's own
    copy of the pause (``DossierStep.clock_stopped``, kept by ``dossiers.processing``), read
    from the queue's partial indexes — no lookup of the dossiers."""
    return Q(clock_stopped=True)


def _step_punctuality_q(value: str, now: datetime, boundary: datetime) -> Q:
    running = ~_waiting_q()
    if value == "late":
        return running & Q(due_at__lt=now)
    if value == "due_soon":
        return running & Q(due_at__gte=now, due_at__lte=boundary)
    if value == "waiting":
        return _waiting_q()
    return running & Q(due_at__gt=boundary)


def _base_steps(user: Any, *, scope: str | None = None, procedure: Any = None,
                state: str | None = None) -> QuerySet[DossierStep]:
    who = processing_scope(user)
    qs = DossierStep.objects.filter(finished_at__isnull=True).filter(who.step_q())
    if scope == "mine":
        qs = qs.filter(assignee_id=user.pk)
    elif scope == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if state == State.PROCESSING:
        qs = qs.exclude(_waiting_q())
    elif state == "waiting":
        qs = qs.filter(_waiting_q())
    return qs


def processing_queue(user: Any, *, scope: str | None = None, procedure: Any = None,
                     state: str | None = None, punctuality: str | None = None,
                     now: datetime | None = None) -> QuerySet[DossierStep]:
    """The open steps an officer holds, may take, or leads; the earliest due first."""
    now = now or timezone.now()
    qs = _base_steps(user, scope=scope, procedure=procedure, state=state)
    if punctuality in (*PUNCTUALITY_VALUES, "waiting"):
        qs = qs.filter(_step_punctuality_q(punctuality or "", now,
                                           step_due_soon_boundary(now)))
    return (qs.select_related("dossier", "dossier__procedure", "assignee", "agency")
            .order_by("due_at", "pk"))


#: What a queue row shows (``templates/dossiers/processing/queue.html`` and
#: :func:`step_badge`): the wide procedure and agency rows are not read whole.
QUEUE_ROW_FIELDS: tuple[str, ...] = (
    "order", "name", "unit", "is_inter_agency", "due_at", "dossier_id", "agency_id",
    "assignee_id", "dossier__code", "dossier__state", "dossier__applicant_name",
    "dossier__paused_since", "dossier__procedure_id", "dossier__procedure__name", "agency__name",
    "assignee__username", "assignee__full_name", "assignee__first_name",
    "assignee__last_name")


class StepWindow:
    """The queue as the paginator sees it: its length is known (from the counters) and a page
    is read as the union of the visibility branches (held by me / my agencies as leader / my
    unit's unassigned steps), each branch read in due order through its own index and cut at
    the page's end, then merged (:func:`portal.querysets.merged_window`) — instead of one
    ``OR`` that forces a sort of every visible open step; one query."""

    def __init__(self, user: Any, count: int, *, now: datetime | None = None,
                 **filters: Any) -> None:
        self.user, self.count, self.now, self.filters = user, count, now, filters

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, window: slice) -> list[DossierStep]:
        start, stop = window.start or 0, window.stop or self.count
        now = self.now or timezone.now()
        filters = dict(self.filters)
        punctuality = filters.pop("punctuality", None)
        base = DossierStep.objects.filter(finished_at__isnull=True)
        scope, procedure, state = (filters.get("scope"), filters.get("procedure"),
                                   filters.get("state"))
        base = base.filter(_filters_q(self.user, scope=scope, state=state,
                                      punctuality=punctuality, now=now,
                                      boundary=step_due_soon_boundary(now)))
        if procedure:
            base = base.filter(procedure=procedure)
        branches = processing_scope(self.user).branches()
        related = ("dossier", "dossier__procedure", "assignee", "agency")
        if len(branches) == 1:
            qs = base.filter(processing_scope(self.user).step_q())
            return list(qs.select_related(*related).only(*QUEUE_ROW_FIELDS)
                        .order_by("due_at", "pk")[start:stop])
        # the branches overlap (a leader's own steps are also their agency's): UNION
        page = merged_window([base.filter(q) for q in branches], start, stop, distinct=True)
        if page is None:
            return []
        return list(DossierStep.objects.filter(pk__in=page).select_related(*related)
                    .only(*QUEUE_ROW_FIELDS).order_by("due_at", "pk"))


@dataclass(frozen=True)
class StepCounters:
    matching: int
    total: int
    mine: int
    unassigned: int
    late: int
    due_soon: int
    waiting: int


def _filters_q(user: Any, *, scope: str | None, state: str | None, punctuality: str | None,
               now: datetime, boundary: datetime) -> Q:
    q = Q()
    if scope == "mine":
        q &= Q(assignee_id=user.pk)
    elif scope == "unassigned":
        q &= Q(assignee__isnull=True)
    if state == State.PROCESSING:
        q &= ~_waiting_q()
    elif state == "waiting":
        q &= _waiting_q()
    if punctuality in (*PUNCTUALITY_VALUES, "waiting"):
        q &= _step_punctuality_q(punctuality or "", now, boundary)
    return q


def step_counters(user: Any, *, procedure: Any = None, scope: str | None = None,
                  state: str | None = None, punctuality: str | None = None,
                  now: datetime | None = None) -> StepCounters:
    """The queue's counters (see :func:`count_steps`), from the cache while no step of the
    officer's agencies changed (:mod:`dossiers.queue_versions`) — clerks reload their queue
    all day — and for ``COUNTERS_TTL`` seconds at most."""
    from django.core.cache import cache

    now = now or timezone.now()
    who = processing_scope(user)
    ttl = queue_versions.COUNTERS_TTL
    key = "dossiers:step-counters:" + hashlib.sha256(repr((
        who.user_id, who.everywhere, sorted(who.lead), sorted(who.process), sorted(who.units),
        who.agency_wide, sorted(who.led_units), getattr(procedure, "pk", procedure), scope,
        state, punctuality,
        queue_versions.versions(who.visible_agencies()), int(now.timestamp()) // ttl,
    )).encode()).hexdigest()
    cached = cache.get(key)
    if isinstance(cached, StepCounters):
        return cached
    counters = count_steps(user, procedure=procedure, scope=scope, state=state,
                           punctuality=punctuality, now=now)
    cache.set(key, counters, ttl)
    return counters


def count_steps(user: Any, *, procedure: Any = None, scope: str | None = None,
                state: str | None = None, punctuality: str | None = None,
                now: datetime | None = None) -> StepCounters:
    """The queue's counters in one query; ``matching`` counts the rows the other filters leave
    (the pager's count, so it costs no query of its own).

    Each visibility branch (held by me / my agencies as leader / my unit's unassigned steps) is
    counted apart through its own partial index — an index-only scan, the index carrying the
    columns the counts test — made disjoint from the branches before it, and the counts are
    summed: one ``OR`` over the branches would read the steps from the table."""
    from django.db import connection

    now = now or timezone.now()
    boundary = step_due_soon_boundary(now)
    aggregates = {
        "matching": Count("pk", filter=_filters_q(user, scope=scope, state=state,
                                                   punctuality=punctuality, now=now,
                                                   boundary=boundary)),
        "total": Count("pk"),
        "mine": Count("pk", filter=Q(assignee_id=user.pk)),
        "unassigned": Count("pk", filter=Q(assignee__isnull=True)),
        "late": Count("pk", filter=_step_punctuality_q("late", now, boundary)),
        "due_soon": Count("pk", filter=_step_punctuality_q("due_soon", now, boundary)),
        "waiting": Count("pk", filter=_step_punctuality_q("waiting", now, boundary)),
    }
    base = DossierStep.objects.filter(finished_at__isnull=True)
    if procedure:
        base = base.filter(procedure=procedure)
    sqls: list[str] = []
    params: list[Any] = []
    seen = Q()
    for i, branch in enumerate(processing_scope(user).branches()):
        part = base.filter(branch if i == 0 else branch & ~seen)
        seen = branch if i == 0 else seen | branch
        # grouped by a column of the partial indexes (at most two rows per branch; summed)
        rows = part.order_by().values("clock_stopped").annotate(**aggregates) \
            .values_list(*aggregates)
        try:
            sql, part_params = rows.query.sql_with_params()
        except EmptyResultSet:  # a branch that can match nothing
            continue
        sqls.append(sql)
        params.extend(part_params)
    totals = dict.fromkeys(aggregates, 0)
    if sqls:
        sums = ", ".join(f"SUM(u.{connection.ops.quote_name(key)})" for key in aggregates)
        with connection.cursor() as cursor:
            cursor.execute(
                # the branches are ORM-compiled SQL with their parameters
                f"SELECT {sums} FROM ({' UNION ALL '.join(sqls)}) AS u",  # noqa: S608
                params)
            row = cursor.fetchone()
        totals = {key: int(value or 0) for key, value in zip(aggregates, row or (), strict=False)}
    return StepCounters(**totals)


def step_badge(step: DossierStep, now: datetime, boundary: datetime | None = None,
               calendar: WorkingCalendar | None = None) -> dict[str, str]:
    """The remaining working time of a step ("còn … giờ làm việc" / "quá hạn …"), or the
    stopped clock while the dossier waits for the applicant."""
    if step.dossier.paused_since is not None:
        return {"punctuality": "waiting", "text": _("clock stopped")}
    if step.due_at < now:
        kind = "late"
    elif step.due_at <= (boundary or step_due_soon_boundary(now)):
        kind = "due_soon"
    else:
        kind = "on_time"
    return {"punctuality": kind, "text": remaining_text(step.due_at, now, calendar)}
