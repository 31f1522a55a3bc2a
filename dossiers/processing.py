"""Processing of a received dossier (D5, D6; Decree 118/2025 Art. 18-21; TH Art. 11.2-11.4).

Right after intake the dossier moves to its processing agency and enters the first step of the
procedure's internal process (:func:`start_processing`, a second event by the system in the same
transaction as the intake). Each step is a :class:`~dossiers.models.DossierStep`: a unit of an
agency holds it, a person of the unit is assigned, it is due by its budget through the calendar.
Every hand-over writes an event whose data names the step, the unit handing over and the unit
receiving, and whether the step was early, on time or late — the control slip is read from them.

Who acts on a step (documented rule, enforced in :func:`may_act`):

* the **assignee**;
* while nobody is assigned, any officer with ``PROCESS_DOSSIERS`` in the step's agency who
  belongs to the step's unit (``Membership.unit`` equals the step's unit) or to no particular
  unit (an agency-wide officer); such an officer may also *take* the step (assign it to himself);
* the **agency's leaders** (``APPROVE_RESULTS`` in the step's agency). They are the leads of every
  unit of their agency: they pick the person who handles a step (:func:`assign_step`).

The clock stops while the applicant is asked to supplement or to pay (:mod:`dossiers.clock`).
Stop and withdrawal are refused once a result was prepared (Decree 118/2025 Art. 21). The apology
and new appointment (LEGAL-NOTES §3) is issued by the agency's head at least one working day
before the due instant, once per dossier.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Membership
from portal.accounts.permissions import has_perm
from portal.accounts.roles import AGENCY_ROLE_PERMS, Perm, Role
from portal.agencies.models import Province
from portal.calendar.services import get_calendar
from procedures.models import InternalProcess, ProcessStep
from procedures.services import due_at as legal_due_at
from procedures.services import in_working_hours

from . import queue_versions
from .clock import resumed_due, waited_seconds
from .models import Dossier, DossierStep
from .services import DossierError, _run
from .states import Actor, Channel, State

#: Name of the single step of a procedure without an internal process.
IMPLICIT_STEP_NAME = "Giải quyết hồ sơ"
#: Budget of that step when the procedure publishes no processing time (5 working days).
DEFAULT_BUDGET_HOURS = 40
#: Working time before the due instant under which the apology is refused (one working day).
APOLOGY_NOTICE = timedelta(hours=8)
#: States of a dossier in the hands of the processing agency.
IN_PROCESSING = frozenset({State.RECEIVED, State.PROCESSING, State.WAITING_SUPPLEMENT,
                           State.WAITING_PAYMENT})

Punctuality = Literal["early", "on_time", "late"]
PROCESS_ROLES = frozenset(role for role, perms in AGENCY_ROLE_PERMS.items()
                          if Perm.PROCESS_DOSSIERS in perms)


# -- punctuality -----------------------------------------------------------------------------


def punctuality(done: datetime, due: datetime) -> Punctuality:
    """Of a hand-over on the control slip (Circular 03/2025 Annex I, form 06): ``late`` after
    the due instant ("quá hạn"), ``on_time`` on the due day ("đúng hạn"), ``early`` on an
    earlier day ("trước hạn")."""
    if done > due:
        return "late"
    if timezone.localdate(done) == timezone.localdate(due):
        return "on_time"
    return "early"


# -- the internal process ----------------------------------------------------------------------


def choose_process(dossier: Dossier) -> InternalProcess | None:
    """The internal process that settles ``dossier``: the receiving agency's active process,
    else the owner agency's, else the first active one; ``None`` when there is none."""
    active = list(InternalProcess.objects.filter(procedure_id=dossier.procedure_id,
                                                 is_active=True).order_by("pk"))
    for agency_id in (dossier.receiving_agency_id, dossier.procedure.owner_agency_id):
        for process in active:
            if process.agency_id == agency_id:
                return process
    return active[0] if active else None


def budget_seconds(step: ProcessStep) -> int:
    """The step's budget in working seconds (1 working day = 8 working hours)."""
    return int(in_working_hours(step.budget, step.budget_unit) * 3600)


def _open(dossier: Dossier, now: datetime, *, agency_id: int, process_step: ProcessStep | None,
          order: int, name: str, unit: str, role: str, inter: bool, budget: int,
          due: datetime | None = None, assignee_id: int | None = None) -> DossierStep:
    if due is None:
        due = get_calendar().add_working_hours(now, timedelta(seconds=budget))
    step = DossierStep.objects.create(
        dossier=dossier, procedure_id=dossier.procedure_id, process_step=process_step,
        order=order, name=name[:255],
        agency_id=agency_id, unit=unit, role=role, is_inter_agency=inter,
        budget_seconds=budget, started_at=now, due_at=due, assignee_id=assignee_id,
        clock_stopped=dossier.paused_since is not None)
    dossier.current_step = step
    return step


def _open_process_step(dossier: Dossier, now: datetime, step: ProcessStep,
                       assignee_id: int | None = None) -> DossierStep:
    return _open(dossier, now, agency_id=dossier.processing_agency_id or 0, process_step=step,
                 order=step.order, name=step.name, unit=step.unit, role=step.role,
                 inter=step.other_agency_id is not None, budget=budget_seconds(step),
                 assignee_id=assignee_id)


def _finish(step: DossierStep, now: datetime, outcome: str, note: str = "") -> None:
    step.finished_at = now
    step.outcome = outcome
    if note:
        step.note = note[:2000]
    step.save(update_fields=["finished_at", "outcome", "note"])


def _open_step(dossier: Dossier) -> DossierStep | None:
    if dossier.current_step_id is None:
        return None
    return (DossierStep.objects.select_related("process_step", "agency")
            .filter(pk=dossier.current_step_id, finished_at__isnull=True).first())


def _cancel_open_step(dossier: Dossier, now: datetime) -> None:
    step = _open_step(dossier)
    if step is not None:
        _finish(step, now, DossierStep.Outcome.CANCELLED)
    dossier.current_step = None


# -- who may act -----------------------------------------------------------------------------


def is_leader(user: Any, agency_id: int) -> bool:
    """A leader of the agency (the lead of every unit in it; signs and apologises)."""
    return has_perm(user, Perm.APPROVE_RESULTS, agency_id)


def _units(user: Any, agency_id: int) -> set[str]:
    return set(Membership.objects.current().filter(
        user_id=user.pk, agency_id=agency_id, role__in=PROCESS_ROLES).values_list("unit",
                                                                                  flat=True))


def is_unit_lead(user: Any, step: DossierStep) -> bool:
    """The head of the step's unit in the step's agency (``Membership.leads_unit``)."""
    if not step.unit or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.current().filter(
        user_id=user.pk, agency_id=step.agency_id, role=Role.PROCESSING_OFFICER,
        unit=step.unit, leads_unit=True).exists()


def may_assign(user: Any, step: DossierStep) -> bool:
    """The unit's lead picks who handles a step (D5); a leader of the agency leads every unit
    of it."""
    return is_leader(user, step.agency_id) or is_unit_lead(user, step)


def may_take(user: Any, step: DossierStep) -> bool:
    """An officer of the step's agency and unit (or agency-wide) who processes dossiers."""
    if not has_perm(user, Perm.PROCESS_DOSSIERS, step.agency_id):
        return False
    if is_leader(user, step.agency_id) or not step.unit:
        return True
    units = _units(user, step.agency_id)
    # an officer whose process rights come from a parent agency acts agency-wide
    return not units or "" in units or step.unit in units


def may_act(user: Any, step: DossierStep) -> bool:
    """The assignee, a leader of the step's agency, or — unassigned — who may take it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_leader(user, step.agency_id):
        return True
    if step.assignee_id is not None:
        return bool(step.assignee_id == user.pk)
    return may_take(user, step)


def _held_step(dossier: Dossier, user: Any) -> DossierStep:
    if dossier.state != State.PROCESSING:
        raise DossierError(
            _("This dossier is now “%(state)s”; the action is no longer possible.")
            % {"state": dossier.get_state_display()})
    step = _open_step(dossier)
    if step is None:
        raise DossierError(_("This dossier has no open step."))
    if not may_act(user, step):
        raise DossierError(_("This step is handled by someone else."))
    return step


def _step_agency(dossier: Dossier) -> int | None:
    step = _open_step(dossier)
    return step.agency_id if step is not None else dossier.processing_agency_id


def _processing_agency(dossier: Dossier) -> int | None:
    return dossier.processing_agency_id or dossier.receiving_agency_id


def _unit_label(step: DossierStep | None) -> str:
    if step is None:
        return ""
    return step.unit or step.agency.name


# -- starting --------------------------------------------------------------------------------


def start_processing(dossier: Dossier) -> Dossier:
    """Right after intake (TH Art. 11.2): the system moves the dossier to the processing agency
    and opens the first step of the internal process; without a process, one implicit step
    "Giải quyết hồ sơ" holds the whole legal period."""
    data: dict[str, Any] = {"step": None}

    def after(d: Dossier, now: datetime) -> None:
        process = choose_process(d)
        d.processing_agency_id = process.agency_id if process else d.procedure.owner_agency_id
        first = process.steps.order_by("order").first() if process else None
        if first is not None:
            step = _open_process_step(d, now, first)
        else:
            due = d.processing_due_at
            budget = (int(get_calendar().elapsed_working(now, due).total_seconds())
                      if due is not None else DEFAULT_BUDGET_HOURS * 3600)
            step = _open(d, now, agency_id=d.processing_agency_id or 0, process_step=None,
                         order=1, name=IMPLICIT_STEP_NAME, unit="", role="processing",
                         inter=False, budget=max(0, budget), due=due)
        data.update(step=step.pk, step_name=step.name, process=process.pk if process else None,
                    agency=d.processing_agency_id, from_unit="",
                    to_unit=_unit_label(step), due=step.due_at.isoformat(),
                    punctuality="on_time")

    return _run(dossier, "start_processing", actor=Actor.SYSTEM, data=data, after=after)


# -- the steps -------------------------------------------------------------------------------


def assign_step(dossier: Dossier, *, by: Any, assignee: Any) -> Dossier:
    """The unit's lead (:func:`may_assign`: the head of the step's unit, or a leader of the
    step's agency) picks the person who handles the open step; an officer of the unit may take
    an unassigned step himself."""
    data: dict[str, Any] = {"step": None}

    def before(d: Dossier, now: datetime) -> None:
        if d.state != State.PROCESSING:
            return  # the engine refuses with the state
        step = _open_step(d)
        if step is None:
            raise DossierError(_("This dossier has no open step."))
        taking = assignee.pk == by.pk and step.assignee_id is None and may_take(by, step)
        if not taking and not may_assign(by, step):
            raise DossierError(_("Only the unit's lead can assign this step."))
        if not may_take(assignee, step):
            raise DossierError(_("%(name)s cannot handle a step of this unit.")
                               % {"name": assignee.get_full_name()})
        step.assignee = assignee
        step.assigned_by = by
        step.save(update_fields=["assignee", "assigned_by"])
        unit = _unit_label(step)
        data.update(step=step.pk, step_name=step.name, from_unit=unit, to_unit=unit,
                    assignee=assignee.pk, assignee_name=assignee.get_full_name(),
                    due=step.due_at.isoformat(), punctuality=punctuality(now, step.due_at))

    return _run(dossier, "assign_step", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_step_agency, data=data, before=before)


def complete_step(dossier: Dossier, *, by: Any, note: str = "") -> Dossier:
    """Done: the next step of the process opens; after the last one no step stays open and the
    dossier is ready to settle (``current_step`` is empty)."""
    data: dict[str, Any] = {"step": None}

    def before(d: Dossier, now: datetime) -> None:
        step = _held_step(d, by)
        if step.agency_id != d.processing_agency_id:
            raise DossierError(_("Hand the step back to the processing agency instead."))
        ps = step.process_step
        if ps is not None and ps.other_agency_id is not None and not DossierStep.objects.filter(
                dossier=d, process_step=ps, agency_id=ps.other_agency_id,
                finished_at__isnull=False).exists():
            raise DossierError(_("This inter-agency step must first be forwarded to %(agency)s "
                                 "and come back.") % {"agency": ps.other_agency})
        _finish(step, now, DossierStep.Outcome.DONE, note)
        following = (ProcessStep.objects.filter(process_id=ps.process_id, order__gt=ps.order)
                     .order_by("order").first() if ps is not None else None)
        d.current_step = None
        nxt = _open_process_step(d, now, following) if following is not None else None
        data.update(step=step.pk, step_name=step.name, from_unit=_unit_label(step),
                    to_unit=_unit_label(nxt) if nxt else "", next_step=nxt.pk if nxt else None,
                    due=step.due_at.isoformat(), punctuality=punctuality(now, step.due_at))

    return _run(dossier, "complete_step", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_step_agency, reason=note.strip(), data=data,
                before=before)


def send_back_step(dossier: Dossier, *, by: Any, reason: str) -> Dossier:
    """Back to the previous step with a reason; it goes to whoever did it before."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Give the reason for sending the step back."))
    data: dict[str, Any] = {"step": None}

    def before(d: Dossier, now: datetime) -> None:
        step = _held_step(d, by)
        ps = step.process_step
        previous = (ProcessStep.objects.filter(process_id=ps.process_id, order__lt=ps.order)
                    .order_by("-order").first() if ps is not None else None)
        if previous is None or step.agency_id != d.processing_agency_id:
            raise DossierError(_("There is no previous step to send this one back to."))
        _finish(step, now, DossierStep.Outcome.SENT_BACK, reason)
        last = (DossierStep.objects.filter(dossier=d, process_step=previous,
                                           agency_id=d.processing_agency_id)
                .exclude(assignee=None).order_by("-started_at", "-pk")
                .values_list("assignee_id", flat=True).first())
        d.current_step = None
        back = _open_process_step(d, now, previous, assignee_id=last)
        data.update(step=step.pk, step_name=step.name, from_unit=_unit_label(step),
                    to_unit=_unit_label(back), next_step=back.pk, due=step.due_at.isoformat(),
                    punctuality=punctuality(now, step.due_at))

    return _run(dossier, "send_back_step", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_step_agency, reason=reason, data=data,
                before=before)


def _handover(d: Dossier, step: DossierStep, now: datetime, *, to_agency: int, unit: str,
              assignee_id: int | None) -> DossierStep:
    """The same process step changes hands between agencies; its due instant stays."""
    left = max(0, int(get_calendar().elapsed_working(now, step.due_at).total_seconds()))
    d.current_step = None
    return _open(d, now, agency_id=to_agency, process_step=step.process_step, order=step.order,
                 name=step.name, unit=unit, role=step.role, inter=True, budget=left,
                 due=step.due_at, assignee_id=assignee_id)


def forward_step(dossier: Dossier, *, by: Any, note: str = "") -> Dossier:
    """An inter-agency step (liên thông): the processing agency hands it to the other agency,
    whose officers then act on it."""
    data: dict[str, Any] = {"step": None}

    def before(d: Dossier, now: datetime) -> None:
        step = _held_step(d, by)
        ps = step.process_step
        if ps is None or ps.other_agency_id is None or step.agency_id != d.processing_agency_id:
            raise DossierError(_("This step is not an inter-agency step."))
        _finish(step, now, DossierStep.Outcome.DONE, note or _("forwarded"))
        there = _handover(d, step, now, to_agency=ps.other_agency_id, unit="", assignee_id=None)
        data.update(step=step.pk, step_name=step.name, from_unit=_unit_label(step),
                    to_unit=there.agency.name, to_agency=ps.other_agency_id,
                    next_step=there.pk, due=step.due_at.isoformat(),
                    punctuality=punctuality(now, step.due_at))

    return _run(dossier, "forward_step", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_step_agency, reason=note.strip(), data=data,
                before=before)


def return_step(dossier: Dossier, *, by: Any, note: str = "") -> Dossier:
    """The other agency hands the inter-agency step back to the processing agency's unit."""
    data: dict[str, Any] = {"step": None}

    def before(d: Dossier, now: datetime) -> None:
        step = _held_step(d, by)
        ps = step.process_step
        if ps is None or step.agency_id == d.processing_agency_id:
            raise DossierError(_("This step is not held by another agency."))
        _finish(step, now, DossierStep.Outcome.DONE, note or _("returned"))
        sender = (DossierStep.objects.filter(dossier=d, process_step=ps,
                                             agency_id=d.processing_agency_id or 0)
                  .order_by("-started_at", "-pk").values_list("assignee_id", flat=True).first())
        back = _handover(d, step, now, to_agency=d.processing_agency_id or 0, unit=ps.unit,
                         assignee_id=sender)
        data.update(step=step.pk, step_name=step.name, from_unit=_unit_label(step),
                    from_agency=step.agency_id, to_unit=_unit_label(back), next_step=back.pk,
                    due=step.due_at.isoformat(), punctuality=punctuality(now, step.due_at))

    return _run(dossier, "return_step", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_step_agency, reason=note.strip(), data=data,
                before=before)


# -- the clock stops and runs again (D6, W4) -------------------------------------------------


def _set_step_clock(d: Dossier, stopped: bool) -> None:
    """Keep ``DossierStep.clock_stopped`` of the open step equal to the dossier's pause."""
    steps = (DossierStep.objects.filter(dossier_id=d.pk, finished_at__isnull=True)
             .exclude(clock_stopped=stopped))
    agencies = list(steps.values_list("agency_id", flat=True))
    if agencies:
        steps.update(clock_stopped=stopped)
        queue_versions.bump(*agencies)


def _pause(d: Dossier, now: datetime) -> None:
    d.paused_since = now
    _set_step_clock(d, True)


def _legal_period(d: Dossier) -> timedelta | None:
    """The whole legal period of the dossier in working time (for the ``restart`` rule)."""
    if d.received_at is None:
        return None
    channel = "online" if d.channel in (Channel.ONLINE, Channel.DVCQG) else (
        "postal" if d.channel == Channel.POSTAL else "counter")
    due = legal_due_at(d.procedure, d.received_at, channel)
    return get_calendar().elapsed_working(d.received_at, due) if due else None


def resume_clock(d: Dossier, now: datetime, rule: str) -> None:
    """Apply :func:`dossiers.clock.resumed_due` to the dossier's due instant, its new
    appointment and the open step; add the working time waited to both pause counters; a due
    instant that moves is warned and marked overdue again."""
    paused = d.paused_since
    if paused is None:
        return
    calendar = get_calendar()
    waited = waited_seconds(paused, now, calendar)
    d.paused_seconds += waited
    if d.processing_due_at is not None:
        period = None
        if rule == "restart":
            period = _legal_period(d) or calendar.elapsed_working(
                d.received_at or paused, d.processing_due_at)
        moved = resumed_due(rule, d.processing_due_at, paused, now, period=period,
                            calendar=calendar)
        if moved != d.processing_due_at:
            d.processing_due_at = moved
            d.overdue_at = None
    if d.rescheduled_due_at is not None:
        d.rescheduled_due_at = resumed_due("continue", d.rescheduled_due_at, paused, now,
                                           calendar=calendar)
    step = _open_step(d)
    if step is not None:
        moved = resumed_due(rule, step.due_at, paused, now,
                            period=timedelta(seconds=step.budget_seconds), calendar=calendar)
        step.paused_seconds += waited
        fields = ["paused_seconds"]
        if moved != step.due_at:
            step.due_at, step.warned_at, step.overdue_at = moved, None, None
            fields += ["due_at", "warned_at", "overdue_at"]
        step.save(update_fields=fields)
    d.paused_since = None
    _set_step_clock(d, False)


def ask_supplement(dossier: Dossier, *, by: Any, missing: Sequence[str], reason: str = ""
                   ) -> Dossier:
    """Found incomplete during processing (Decree 118/2025 Art. 19): the applicant is asked,
    with everything that is missing; the clock stops."""
    items = [m.strip() for m in missing if m and m.strip()]
    if not items:
        raise DossierError(_("List what the applicant must supplement."))

    def before(d: Dossier, now: datetime) -> None:
        step = _open_step(d)
        data["step"] = step.pk if step else None
        data["from_unit"] = _unit_label(step)

    data: dict[str, Any] = {"missing": items, "step": None, "to_unit": "", "from_unit": ""}
    return _run(dossier, "ask_supplement", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_processing_agency, reason=reason.strip(),
                data=data, before=before, after=_pause)


def supplement(dossier: Dossier, *, by: Any, note: str = "", file_ids: Sequence[int] = ()
               ) -> Dossier:
    """The applicant sends what was asked; the clock runs again by the province's rule."""
    if not file_ids and not note.strip():
        raise DossierError(_("Attach the papers asked for or write what you supplement."))
    rule = Province.current().supplement_clock_rule
    return _run(dossier, "supplement", actor=Actor.CITIZEN, user=by, reason=note.strip(),
                data={"files": list(file_ids), "rule": rule},
                after=lambda d, now: resume_clock(d, now, rule))


def ask_payment(dossier: Dossier, *, by: Any, reason: str, amount: int | None = None
                ) -> Dossier:
    """Fees or financial obligations decided during processing: the clock stops until paid."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Say what the applicant must pay."))
    if amount is not None and amount <= 0:
        raise DossierError(_("The amount must be positive."))
    return _run(dossier, "ask_payment", actor=Actor.OFFICER, user=by,
                perm=Perm.PROCESS_DOSSIERS, agency=_processing_agency, reason=reason,
                data={"amount": amount}, after=_pause)


def confirm_payment(dossier: Dossier, *, by: Any = None, reference: str = "") -> Dossier:
    """The payment is confirmed — by an officer of the processing agency, or by the system
    (``by=None``: the payments issue calls this with the provider's reference). The time spent
    before the request counts: the period continues with what was left."""
    return _run(dossier, "confirm_payment", actor=Actor.SYSTEM if by is None else Actor.OFFICER,
                user=by, perm=Perm.PROCESS_DOSSIERS, agency=_processing_agency,
                data={"reference": reference[:200]},
                after=lambda d, now: resume_clock(d, now, "continue"))


# -- stop, withdrawal, apology ---------------------------------------------------------------


def refuse_if_result(d: Dossier) -> None:
    """Decree 118/2025 Art. 21: no stop or withdrawal once a decision or result exists."""
    if d.results.exists():
        raise DossierError(_("A result has already been prepared for this dossier; it can no "
                             "longer be stopped or withdrawn."))


def close_processing(d: Dossier, now: datetime) -> None:
    _cancel_open_step(d, now)
    d.paused_since = None
    d.closed_at = now


def stop(dossier: Dossier, *, by: Any, reason: str) -> Dossier:
    """The agency stops processing (Decree 118/2025 Art. 21; Circular 03/2025 Art. 7): only
    while no result exists; the stop notice is issued; final."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Give the reason for stopping the processing."))
    return _run(dossier, "stop", actor=Actor.OFFICER, user=by, perm=Perm.PROCESS_DOSSIERS,
                agency=_processing_agency, reason=reason,
                before=lambda d, now: refuse_if_result(d), after=close_processing)


def apologise(dossier: Dossier, *, by: Any, reason: str, new_due_at: datetime) -> Dossier:
    """The dossier will be late (LEGAL-NOTES §3): the head of the processing agency apologises
    and sets a new appointment, at least one working day before the due instant and only once.
    The legal due instant is kept: reports count the dossier as late all the same."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Give the reason for the delay."))

    def before(d: Dossier, now: datetime) -> None:
        if d.apologised_at is not None:
            raise DossierError(_("The new appointment has already been set once; it cannot be "
                                 "moved again."))
        due = d.processing_due_at
        if due is None:
            raise DossierError(_("This dossier has no due time."))
        # while the clock stands still, the time left is what was left when it stopped
        if get_calendar().elapsed_working(d.paused_since or now, due) < APOLOGY_NOTICE:
            raise DossierError(_("The apology must be sent at least one working day before "
                                 "the due time (%(due)s).")
                               % {"due": timezone.localtime(due).strftime("%H:%M %d/%m/%Y")})
        if new_due_at <= due:
            raise DossierError(_("The new appointment must be later than the due time."))
        data["due"] = due.isoformat()

    def after(d: Dossier, now: datetime) -> None:
        d.apologised_at = now
        d.rescheduled_due_at = new_due_at

    data: dict[str, Any] = {"new_due": new_due_at.isoformat(), "due": None}
    return _run(dossier, "apologise", actor=Actor.OFFICER, user=by, perm=Perm.APPROVE_RESULTS,
                agency=_processing_agency, reason=reason, data=data, before=before,
                after=after)


# -- reading ---------------------------------------------------------------------------------


def ready_to_settle(dossier: Dossier) -> bool:
    """Every step is done: the results helper's ``settle`` checks this."""
    return (dossier.state == State.PROCESSING and dossier.current_step_id is None
            and not dossier.steps.filter(finished_at__isnull=True).exists())


def open_steps_q() -> Q:
    return Q(finished_at__isnull=True)
