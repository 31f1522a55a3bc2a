"""Catalogue rules: due dates from processing times, process budgets, snapshots, publication
lifecycle (P1-P5). Every deadline goes through the working-time calendar, never ``timedelta``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import Action, record
from portal.calendar.services import get_calendar

from .models import (
    DecisionItem,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    TimeUnit,
)

#: Internal processes count a working day as 8 working hours (LEGAL-NOTES §3).
HOURS_PER_WORKING_DAY = Decimal(8)
#: A publication decision must be live within this many working days of receipt (TH 8.1, TG 11.1).
DECISION_DEADLINE_WORKING_DAYS = 5


class CatalogueError(Exception):
    """A catalogue rule refused an action; the message is for the person who asked."""


# -- deadlines -------------------------------------------------------------------------------


def add_period(start: datetime, amount: Decimal | int, unit: str,
               cutoff: Any = None) -> datetime:
    """The instant a period of ``amount`` ``unit`` starting at ``start`` ends, by the calendar.

    Working days: Civil Code 2015 Art. 147-148 (start day not counted, ends at the close of the
    N-th working day). Working hours: from the start or the next working instant (W2). Same day
    (e.g. certification, Decree 23/2015 Art. 7): the close of the start day if it is a working
    day and the start is before ``cutoff``; otherwise the close of the next working day.
    """
    calendar = get_calendar()
    if unit == TimeUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, Decimal(amount))
    if unit == TimeUnit.WORKING_DAYS:
        days = Decimal(amount)
        whole = int(days)
        end = calendar.add_working_days(start, whole) if whole else start
        if days != whole:  # the half day after the whole ones, in working hours (1 day = 8 h)
            end = calendar.add_working_hours(end, (days - whole) * HOURS_PER_WORKING_DAY)
        return end
    if unit == TimeUnit.SAME_DAY:
        local = timezone.localtime(start, calendar.tz)
        info = calendar.day_info(local.date())
        if info.is_working and (cutoff is None or local.time() < cutoff) and (
            local.time() < info.intervals[-1][1]
        ):
            close = info.intervals[-1][1]
            return local.replace(hour=close.hour, minute=close.minute, second=0, microsecond=0)
        return calendar.add_working_days(start, 1)
    raise ValueError(f"unknown time unit {unit!r}")


def due_at(procedure: Procedure, start: datetime, channel: str | None = None) -> datetime | None:
    """The legal due instant of a dossier of ``procedure`` received at ``start`` (by the
    method's own processing time when it has one). ``None`` when no time is published."""
    amount, unit = procedure.processing_time, procedure.processing_unit
    if channel:
        # .all() uses a prefetch when the caller made one (the public page does).
        method = next((m for m in procedure.methods.all() if m.channel == channel), None)
        if method is not None and (method.processing_time is not None
                                   or method.processing_unit == TimeUnit.SAME_DAY):
            amount, unit = method.processing_time, method.processing_unit
    if unit == TimeUnit.SAME_DAY:
        return add_period(start, 0, unit, procedure.same_day_cutoff)
    if amount is None:
        return None
    return add_period(start, amount, unit)


# -- internal processes ----------------------------------------------------------------------


def in_working_hours(amount: Decimal, unit: str) -> Decimal:
    if unit == TimeUnit.WORKING_DAYS:
        return Decimal(amount) * HOURS_PER_WORKING_DAY
    if unit == TimeUnit.WORKING_HOURS:
        return Decimal(amount)
    if unit == TimeUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    raise ValueError(f"unknown time unit {unit!r}")


def legal_time_in_hours(procedure: Procedure) -> Decimal | None:
    if procedure.processing_unit == TimeUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    if procedure.processing_time is None:
        return None
    return in_working_hours(procedure.processing_time, procedure.processing_unit)


def budget_problem(procedure: Procedure, steps: list[ProcessStep]) -> str | None:
    """Why the steps' budgets do not add up to the legal processing time (P5), or ``None``."""
    legal = legal_time_in_hours(procedure)
    if legal is None:
        return None
    total = sum((in_working_hours(s.budget, s.budget_unit) for s in steps), Decimal(0))
    if total != legal:
        return _(
            "The steps add up to %(total)s working hours but the legal processing time is "
            "%(legal)s working hours."
        ) % {"total": _number(total), "legal": _number(legal)}
    return None


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


# -- publication -----------------------------------------------------------------------------


def snapshot(procedure: Procedure) -> dict[str, Any]:
    """Everything the public page shows, as plain JSON (P1)."""
    return {
        "national_code": procedure.national_code,
        "name": procedure.name,
        "field": procedure.field.name,
        "level": procedure.level.name if procedure.level else "",
        "implementing_agency": procedure.implementing_agency_text,
        "receiving_agencies": [a.name for a in procedure.receiving_agencies.all()],
        "deciding_agencies": [a.name for a in procedure.deciding_agencies.all()],
        "steps": procedure.steps,
        "subjects": procedure.subjects,
        "result": procedure.result,
        "conditions": procedure.conditions,
        "processing_time": (str(procedure.processing_time)
                            if procedure.processing_time is not None else None),
        "processing_unit": procedure.processing_unit,
        "online_level": procedure.online_level,
        "fee_text": procedure.fee_text,
        "methods": [
            {"channel": m.channel, "processing_time": (str(m.processing_time)
                                                       if m.processing_time is not None else None),
             "processing_unit": m.processing_unit, "description": m.description}
            for m in procedure.methods.all()
        ],
        "components": [
            {"name": c.name, "originals": c.originals, "copies": c.copies,
             "requirement": c.requirement, "condition": c.condition,
             "form": c.form.code if c.form else None}
            for c in procedure.components.select_related("form", "form__procedure")
        ],
        "fees": [
            {"kind": f.kind, "channel": f.channel, "amount_vnd": f.amount_vnd, "rule": f.rule,
             "description": f.description}
            for f in procedure.fees.all()
        ],
        "legal_basis": [
            {"number": d.number, "title": d.title,
             "issued_on": d.issued_on.isoformat() if d.issued_on else None, "issuer": d.issuer}
            for d in procedure.legal_basis.all()
        ],
    }


@transaction.atomic
def publish(procedure: Procedure, *, decision: PublicationDecision | None = None,
            by: Any = None) -> ProcedureVersion:
    """Make the current information public as a new version; the procedure accepts dossiers."""
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    now = timezone.now()
    version = ProcedureVersion.objects.create(
        procedure=locked, number=last + 1, decision=decision, published_at=now,
        snapshot=snapshot(locked),
    )
    locked.status = Procedure.Status.PUBLISHED
    locked.status_reason = decision.number if decision else ""
    locked.status_since = now
    locked.save(update_fields=["status", "status_reason", "status_since", "search_text",
                               "updated_at"])
    procedure.refresh_from_db()
    record(Action.UPDATE, actor=by, obj=locked, message=f"published version {version.number}",
           changes={"status": "published", "decision": decision.number if decision else None})
    return version


@transaction.atomic
def close(procedure: Procedure, status: str, reason: str, *, by: Any = None) -> None:
    """Suspend or abolish: no new dossiers, the page says why and since when (P3)."""
    if status not in (Procedure.Status.SUSPENDED, Procedure.Status.ABOLISHED):
        raise ValueError(status)
    if not reason.strip():
        raise CatalogueError(_("Give the reason shown to citizens."))
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    locked.status = status
    locked.status_reason = reason.strip()
    locked.status_since = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_since", "search_text",
                               "updated_at"])
    procedure.refresh_from_db()
    record(Action.UPDATE, actor=by, obj=locked, changes={"status": status, "reason": reason})


def decision_deadline(decision: PublicationDecision) -> datetime:
    """Live within 5 working days of receipt (TH 8.1, TG 11.1)."""
    return get_calendar().add_working_days(decision.received_at, DECISION_DEADLINE_WORKING_DAYS)


@transaction.atomic
def apply_decision(decision: PublicationDecision, *, by: Any = None) -> list[str]:
    """Carry out a publication decision: publish new and amended procedures (a new version each),
    publish replacements and abolish what they replace, abolish abolished ones."""
    decision = PublicationDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.applied_at is not None:
        raise CatalogueError(_("This decision is already live."))
    items = list(decision.items.select_related("procedure", "replaces"))
    if not items:
        raise CatalogueError(_("The decision names no procedure."))
    for item in items:
        closing = item.procedure if item.change == DecisionItem.Change.ABOLISHED else (
            item.replaces if item.change == DecisionItem.Change.REPLACED else None)
        if closing is not None and closing.status == Procedure.Status.DRAFT:
            raise CatalogueError(
                _("%(code)s was never published: it cannot be abolished or replaced.")
                % {"code": closing.national_code})
    done = []
    reason = _("Abolished by decision %(number)s") % {"number": decision.number}
    for item in items:
        if item.change == DecisionItem.Change.ABOLISHED:
            close(item.procedure, Procedure.Status.ABOLISHED, reason, by=by)
        else:
            publish(item.procedure, decision=decision, by=by)
            if item.change == DecisionItem.Change.REPLACED and item.replaces is not None:
                close(item.replaces, Procedure.Status.ABOLISHED,
                      _("Replaced by %(code)s under decision %(number)s")
                      % {"code": item.procedure.national_code, "number": decision.number}, by=by)
        done.append(f"{item.get_change_display()}: {item.procedure.national_code}")
    decision.applied_at = timezone.now()
    decision.applied_by = by if getattr(by, "pk", None) else None
    decision.save(update_fields=["applied_at", "applied_by"])
    record(Action.UPDATE, actor=by, obj=decision, message="; ".join(done))
    return done


