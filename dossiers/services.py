"""Dossier rules (D1-D3, D11, W2): codes, transitions under row locks with their guards and
events, and the deadlines computed by the working-time calendar at each transition.

Each public function runs one transition: it locks the dossier row, checks who may do it (the
applicant, an officer of the receiving agency, or the system — kept apart), moves the state
machine, sets the deadlines and writes a :class:`DossierEvent`. Two officers acting at once on the
same dossier: the second waits for the lock, then finds the state changed and gets a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm
from portal.agencies.models import Agency, Province
from portal.calendar.services import get_calendar
from procedures.models import Procedure
from procedures.services import due_at

from .hooks import run_event_handlers
from .models import Dossier, DossierEvent, DossierSequence
from .states import Actor, Channel, Delivery, State

#: Working days an applicant has to complete a dossier before it is closed (LEGAL-NOTES §3:
#: a sectoral rule, configurable).
COMPLETION_WORKING_DAYS = getattr(settings, "DOSSIER_COMPLETION_WORKING_DAYS", 15)


class DossierError(Exception):
    """A transition was refused; the message is for the person who asked."""


# -- codes -----------------------------------------------------------------------------------


def next_code(agency: Agency, when: datetime) -> str:
    """``<agency e-ID>-YYMMDD-XXXX`` (Circular 03/2025 Art. 13): a sequence per agency and day,
    at least four digits. Unique under concurrency: the day's counter row is locked."""
    day = timezone.localtime(when).date()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                DossierSequence.objects.get_or_create(agency=agency, day=day)
            break
        except IntegrityError:  # created by a concurrent request: use theirs
            continue
    with transaction.atomic():
        DossierSequence.objects.filter(agency=agency, day=day).update(last=F("last") + 1)
        number = DossierSequence.objects.select_for_update().get(agency=agency, day=day).last
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


# -- the transition engine -------------------------------------------------------------------


def _actor_name(user: Any) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() if hasattr(user, "get_full_name") else str(user)


def _check_actor(dossier: Dossier, actor: str, user: Any, perm: Perm | None,
                 agency_id: int | None = None) -> None:
    """``agency_id``: the agency whose officers may act (the receiving agency by default; the
    processing agency or an inter-agency step's agency for processing actions)."""
    if actor == Actor.CITIZEN:
        if user is None or dossier.applicant_id != user.pk:
            raise DossierError(_("Only the applicant can do this."))
    elif actor == Actor.OFFICER:
        agency_id = agency_id or dossier.receiving_agency_id
        if user is None or perm is None or not has_perm(user, perm, agency_id):
            raise DossierError(_("You have no right to do this for this agency's dossiers."))
    elif actor == Actor.SYSTEM and user is not None:
        raise DossierError(_("Only the system does this."))


#: Loaded with the locked row by ``_run`` (joins by primary key; ``FOR UPDATE OF`` the dossier
#: only, so two transitions of dossiers of one procedure or agency never wait for each other).
LOCKED_RELATIONS = ("procedure__field", "receiving_agency", "processing_agency")


def _run(dossier: Dossier, name: str, *, actor: str, user: Any = None, perm: Perm | None = None,
         reason: str = "", data: dict[str, Any] | None = None,
         before: Callable[[Dossier, datetime], None] | None = None,
         after: Callable[[Dossier, datetime], None] | None = None,
         agency: Callable[[Dossier], int | None] | None = None) -> Dossier:
    """Lock, check, transition, update deadlines, write the event; all or nothing.

    ``agency`` picks, from the locked row, the agency whose officers may act (default: the
    receiving agency). ``name`` is an FSM transition of :class:`Dossier`, or one of
    :data:`IN_STATE_ACTIONS` (a recorded action that keeps the state, e.g. a step handed on).
    """
    with transaction.atomic():
        # The deadlines, the applicant's message and the DVCQG record read the procedure, its
        # field and the agencies: loaded with the row (by primary key), locking the dossier only.
        locked = (Dossier.objects.select_for_update(of=("self",))
                  .select_related(*LOCKED_RELATIONS).get(pk=dossier.pk))
        _check_actor(locked, actor, user, perm, agency(locked) if agency else None)
        now = timezone.now()
        from_state = locked.state
        if before is not None:
            before(locked, now)
        try:
            if name in IN_STATE_ACTIONS:
                if locked.state not in IN_STATE_ACTIONS[name]:
                    raise TransitionNotAllowed(name)
            else:
                getattr(locked, name)()
        except TransitionNotAllowed:
            raise DossierError(
                _("This dossier is now “%(state)s”; the action is no longer possible.")
                % {"state": locked.get_state_display()}
            ) from None
        if after is not None:
            after(locked, now)
        locked.save()
        event = DossierEvent.objects.create(
            dossier=locked, at=now, actor=user if getattr(user, "pk", None) else None,
            actor_kind=actor, actor_name=_actor_name(user), transition=name,
            from_state=from_state, to_state=locked.state, reason=reason, data=data or {},
        )
        run_event_handlers(event)
        _after_commit(event)
    dossier.adopt(locked)  # the caller's instance sees the new state (no query)
    return locked


#: Recorded actions that keep the dossier's state, with the states they are allowed in: step
#: hand-overs (D5), the apology and new appointment (D6), a result prepared or signed (D7).
IN_STATE_ACTIONS: dict[str, frozenset[str]] = {
    "assign_step": frozenset({State.PROCESSING}),
    "complete_step": frozenset({State.PROCESSING}),
    "send_back_step": frozenset({State.PROCESSING}),
    "forward_step": frozenset({State.PROCESSING}),
    "return_step": frozenset({State.PROCESSING}),
    "apologise": frozenset({State.PROCESSING, State.WAITING_SUPPLEMENT,
                            State.WAITING_PAYMENT}),
    "prepare_result": frozenset({State.PROCESSING}),
    "sign_result": frozenset({State.PROCESSING}),
}


#: The document each transition issues (D4, Circular 03/2025 Annex I).
DOCUMENTS = {"accept": "receipt", "register_at_counter": "receipt",
             "ask_to_complete": "completion_request", "refuse": "refusal",
             "stop": "stop_notice", "apologise": "apology", "withdraw": "stop_notice"}

#: Transitions that issue their document only from some states: a withdrawal issues the stop
#: notice only when the dossier was already being processed (Decree 118/2025 Art. 21).
DOCUMENT_FROM_STATES = {"withdraw": frozenset({State.RECEIVED, State.PROCESSING,
                                               State.WAITING_SUPPLEMENT,
                                               State.WAITING_PAYMENT})}


def _after_commit(event: DossierEvent) -> None:
    """Work that follows a transition: the document it issues (created in the same transaction,
    rendered by a task once committed) and the applicant's message (D10)."""
    from .documents.services import issue
    from .notifications import SUBJECTS, notify_applicant
    from .tasks import render_document

    kind = DOCUMENTS.get(event.transition)
    states = DOCUMENT_FROM_STATES.get(event.transition)
    if states is not None and event.from_state not in states:
        kind = None
    if kind is not None:
        document = issue(event, kind)
        transaction.on_commit(lambda: render_document.delay(document.pk))
    if event.transition in SUBJECTS:
        transaction.on_commit(lambda: notify_applicant.delay(event.pk))


def _pause(dossier: Dossier, now: datetime) -> None:
    dossier.paused_since = now


def _resume(dossier: Dossier, now: datetime) -> None:
    if dossier.paused_since is not None:
        waited = get_calendar().elapsed_working(dossier.paused_since, now)
        dossier.paused_seconds += max(0, int(waited.total_seconds()))
        dossier.paused_since = None


def _set_submitted(dossier: Dossier, now: datetime) -> None:
    """W2: the intake period counts from submission or from the next working instant."""
    if not dossier.code:
        dossier.code = next_code(dossier.receiving_agency, now)
    dossier.submitted_at = now
    hours = Province.current().intake_deadline_working_hours
    dossier.intake_due_at = get_calendar().add_working_hours(now, hours)


def _set_received(dossier: Dossier, now: datetime) -> None:
    if not dossier.code:
        dossier.code = next_code(dossier.receiving_agency, now)
    dossier.received_at = now
    channel = "online" if dossier.channel in (Channel.ONLINE, Channel.DVCQG) else (
        "postal" if dossier.channel == Channel.POSTAL else "counter")
    dossier.processing_due_at = due_at(dossier.procedure, now, channel)


# -- drafts ----------------------------------------------------------------------------------


def start_draft(procedure: Procedure, *, applicant: Any, receiving_agency: Agency | None = None,
                channel: str = Channel.ONLINE, delivery: str = Delivery.ONLINE,
                **details: Any) -> Dossier:
    """A new draft dossier of ``applicant`` under the procedure's current published version."""
    if not procedure.accepts_dossiers:
        raise DossierError(_("This procedure no longer accepts dossiers."))
    version = procedure.versions.order_by("-number").first()
    if version is None:
        raise DossierError(_("This procedure has not been published."))
    allowed = set(procedure.receiving_agencies.values_list("pk", flat=True)) or {
        procedure.owner_agency_id}
    agency = receiving_agency or Agency.objects.get(pk=min(allowed))
    if agency.pk not in allowed:
        raise DossierError(_("This agency does not receive dossiers of this procedure."))
    identity = {
        "applicant_name": applicant.get_full_name() if applicant else "",
        "applicant_id_number": (applicant.personal_id or applicant.organisation_code or "")
        if applicant else "",
        "applicant_address": getattr(applicant, "address", "") or "",
        "applicant_phone": getattr(applicant, "phone", "") or "",
        "applicant_email": getattr(applicant, "email", "") or "",
    }
    identity.update(details)
    return Dossier.objects.create(
        procedure=procedure, procedure_version=version, receiving_agency=agency,
        applicant=applicant, channel=channel, delivery=delivery, **identity,
    )


# -- the national portal ---------------------------------------------------------------------


def receive_from_portal(procedure: Procedure, agency: Agency, *, code: str,
                        submitted_at: datetime, **applicant: Any) -> tuple[Dossier, bool]:
    """A dossier submitted on DVCQG enters our intake queue with its national code; the intake
    period counts from its submission there (W2). Idempotent by code: ``(dossier, created)``."""
    return receive_external(procedure, agency, code=code, submitted_at=submitted_at,
                            channel=Channel.DVCQG, source="DVCQG", **applicant)


def receive_external(procedure: Procedure, agency: Agency, *, code: str,
                     submitted_at: datetime, channel: str, source: str, **applicant: Any
                     ) -> tuple[Dossier, bool]:
    """A dossier registered on another system (the national portal, a ministry's software)
    enters our intake queue with that system's code; the intake period counts from its
    submission there (W2). Idempotent by code for the same source: ``(dossier, created)``; a
    code already used by another source or procedure is refused (never handed out)."""
    existing = Dossier.objects.filter(code=code).first()
    if existing is not None:
        same_source = existing.events.filter(transition="receive_from_portal",
                                             data__source=source).exists()
        if not same_source or existing.procedure_id != procedure.pk:
            raise DossierError(_("Another dossier already has this code."))
        return existing, False
    draft = start_draft(procedure, applicant=None, receiving_agency=agency, channel=channel,
                        **applicant)

    def after(d: Dossier, now: datetime) -> None:
        d.code = code
        d.submitted_at = submitted_at
        hours = Province.current().intake_deadline_working_hours
        d.intake_due_at = get_calendar().add_working_hours(submitted_at, hours)

    try:
        with transaction.atomic():
            dossier = _run(draft, "receive_from_portal", actor=Actor.SYSTEM,
                           data={"source": source}, after=after)
    except IntegrityError:  # the same code arrived twice at once
        Dossier.objects.filter(pk=draft.pk).delete()
        return Dossier.objects.get(code=code), False
    return dossier, True


# -- applicant transitions -------------------------------------------------------------------


def submit(dossier: Dossier, *, by: Any) -> Dossier:
    """D1: the applicant submits; the code is issued and the intake deadline set (W2)."""
    if not dossier.procedure.accepts_dossiers:
        raise DossierError(_("This procedure no longer accepts dossiers."))
    return _run(dossier, "submit", actor=Actor.CITIZEN, user=by, after=_set_submitted)


def resubmit(dossier: Dossier, *, by: Any, note: str = "") -> Dossier:
    """The completed dossier comes back: the intake period restarts (LEGAL-NOTES §3)."""

    def after(d: Dossier, now: datetime) -> None:
        _resume(d, now)
        d.completion_due_at = None
        d.intake_warned_at = d.overdue_at = None  # a new intake period: warned afresh
        _set_submitted(d, now)

    return _run(dossier, "resubmit", actor=Actor.CITIZEN, user=by, reason=note, after=after)


def withdraw(dossier: Dossier, *, by: Any, reason: str) -> Dossier:
    """Decree 118/2025 Art. 21: the applicant withdraws while no decision exists. Before
    intake nothing more is checked; during processing a prepared result refuses it, the open
    step is cancelled and the stop notice is issued."""
    from .processing import IN_PROCESSING, close_processing, refuse_if_result

    def before(d: Dossier, now: datetime) -> None:
        if d.state in IN_PROCESSING:
            refuse_if_result(d)

    def after(d: Dossier, now: datetime) -> None:
        if d.current_step_id is not None or d.paused_since is not None:
            close_processing(d, now)
        d.closed_at = now

    return _run(dossier, "withdraw", actor=Actor.CITIZEN, user=by, reason=reason,
                before=before, after=after)


# -- officer transitions ---------------------------------------------------------------------


def accept(dossier: Dossier, *, by: Any) -> Dossier:
    """D2: official receipt; the result due date is computed from the procedure's time for
    the method used, through the calendar. In the same transaction the system moves the
    dossier to its processing agency and first step (D5; TH Art. 11.2)."""
    from .processing import start_processing

    with transaction.atomic():
        _run(dossier, "accept", actor=Actor.OFFICER, user=by, perm=Perm.RECEIVE_DOSSIERS,
             after=_set_received)
        return start_processing(dossier)


def register_at_counter(dossier: Dossier, *, by: Any) -> Dossier:
    """D3: counter or postal intake of a dossier the officer registered: received at once,
    then moved to processing like an accepted dossier."""
    from .processing import start_processing

    with transaction.atomic():
        _run(dossier, "register_at_counter", actor=Actor.OFFICER, user=by,
             perm=Perm.RECEIVE_DOSSIERS, after=_set_received)
        return start_processing(dossier)


def ask_to_complete(dossier: Dossier, *, by: Any, defects: list[str], reason: str = ""
                    ) -> Dossier:
    """D2: one request listing every defect; the applicant has the completion period."""
    defects = [d.strip() for d in defects if d and d.strip()]
    if not defects:
        raise DossierError(_("List what the applicant must complete."))

    def after(d: Dossier, now: datetime) -> None:
        _pause(d, now)
        d.completion_due_at = get_calendar().add_working_days(now, COMPLETION_WORKING_DAYS)

    return _run(dossier, "ask_to_complete", actor=Actor.OFFICER, user=by,
                perm=Perm.RECEIVE_DOSSIERS, reason=reason, data={"defects": defects},
                after=after)


def refuse(dossier: Dossier, *, by: Any, reasons: str) -> Dossier:
    """D2: refused at intake, with the reasons."""
    if not reasons.strip():
        raise DossierError(_("Give the reasons for the refusal."))
    return _run(dossier, "refuse", actor=Actor.OFFICER, user=by, perm=Perm.RECEIVE_DOSSIERS,
                reason=reasons.strip(), after=lambda d, now: setattr(d, "closed_at", now))


# -- system transitions ----------------------------------------------------------------------


def close_incomplete(dossier: Dossier) -> Dossier:
    """Not completed within the completion period: the system closes it."""

    def before(d: Dossier, now: datetime) -> None:
        if d.completion_due_at is None or d.completion_due_at > now:
            raise DossierError(_("The completion period has not ended."))

    def after(d: Dossier, now: datetime) -> None:
        _resume(d, now)
        d.closed_at = now

    return _run(dossier, "close_incomplete", actor=Actor.SYSTEM,
                reason=_("Not completed within %(days)d working days.")
                % {"days": COMPLETION_WORKING_DAYS}, before=before, after=after)


# -- deadlines after a calendar change -------------------------------------------------------


def recompute_deadlines(dossier: Dossier) -> bool:
    """Compute again, from the recorded instants, every deadline of an open dossier (after the
    calendar changed). Returns whether anything changed."""
    calendar = get_calendar()
    old = (dossier.intake_due_at, dossier.processing_due_at, dossier.completion_due_at)
    if dossier.submitted_at is not None:
        hours = Province.current().intake_deadline_working_hours
        dossier.intake_due_at = calendar.add_working_hours(dossier.submitted_at, hours)
    if dossier.received_at is not None:
        _set_received(dossier, dossier.received_at)
        _replay_clock_stops(dossier)
    if dossier.state == State.INCOMPLETE and dossier.paused_since is not None:
        dossier.completion_due_at = calendar.add_working_days(dossier.paused_since,
                                                              COMPLETION_WORKING_DAYS)
    new = (dossier.intake_due_at, dossier.processing_due_at, dossier.completion_due_at)
    if new == old:
        return False
    Dossier.objects.filter(pk=dossier.pk).update(
        intake_due_at=dossier.intake_due_at, processing_due_at=dossier.processing_due_at,
        completion_due_at=dossier.completion_due_at)
    return True


def _replay_clock_stops(dossier: Dossier) -> None:
    """Apply again, in order, every clock stop of the dossier's history to the legal due instant
    just recomputed from its receipt (D6, W4): a supplement by the province's rule, a payment
    by the "continue" rule (``dossiers.clock``). A stop still under way moves nothing yet."""
    from .clock import resumed_due

    if dossier.processing_due_at is None:
        return
    calendar = get_calendar()
    rule = Province.current().supplement_clock_rule
    period = calendar.elapsed_working(dossier.received_at or dossier.processing_due_at,
                                      dossier.processing_due_at)
    paused: tuple[str, datetime] | None = None
    events = dossier.events.filter(transition__in=[
        "ask_supplement", "ask_payment", "supplement", "confirm_payment"]).order_by("at", "id")
    for event in events:
        if event.transition in ("ask_supplement", "ask_payment"):
            paused = (event.transition, event.at)
        elif paused is not None:
            how = rule if paused[0] == "ask_supplement" else "continue"
            dossier.processing_due_at = resumed_due(
                how, dossier.processing_due_at, paused[1], event.at, period=period,
                calendar=calendar)
            paused = None


# -- history ---------------------------------------------------------------------------------


def state_at(dossier: Dossier, instant: datetime) -> str:
    """D11: the dossier's state at a past instant, replayed from its events."""
    state: str = State.DRAFT
    for event in dossier.events.filter(at__lte=instant).order_by("at", "id"):
        if event.from_state != state:
            raise ValueError(f"history of {dossier} is broken at event {event.pk}")
        state = event.to_state
    return state
