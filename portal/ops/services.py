"""Operations rules (O1-O3): backup runs and their alerts, maintenance notices, support
requests."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.roles import Role

from . import backup as backups
from .models import BackupRun

if TYPE_CHECKING:
    from portal.accounts.models import User

logger = logging.getLogger(__name__)


# -- operators and alerts --------------------------------------------------------------------


def operators() -> list[User]:
    """Active users holding the operator role now."""
    from portal.accounts.models import Membership, User

    ids = Membership.objects.current().filter(role=Role.OPERATOR).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _notify() -> Any:
    from portal.notifications.services import notify

    return notify


def alert_operators(*, kind: str, subject: str, body: str, dedupe_key: str = "") -> int:
    """Tell every operator (in-app + e-mail through the notification service) and the addresses
    of ``OPS_ALERT_EMAILS``. Never raises: an alert must not hide the failure it reports.
    Returns how many recipients were addressed."""
    notify = _notify()
    count = 0
    try:
        for user in operators():
            notify(kind=kind, subject=subject, body=body, user=user,
                   dedupe_key=f"{dedupe_key}:{user.pk}" if dedupe_key else "")
            count += 1
        for email in (e for e in settings.OPS_ALERT_EMAILS if e):
            notify(kind=kind, subject=subject, body=body, email=email, in_app=False,
                   dedupe_key=f"{dedupe_key}:{email}" if dedupe_key else "")
            count += 1
    except Exception:
        logger.exception("could not alert the operators: %s", subject)
    return count


# -- backups (O1) ----------------------------------------------------------------------------


def run_backup(*, trigger: str = "manual", alias: str = "default") -> BackupRun:
    """Make a backup, rotate the old ones, record the run; on failure alert the operators.
    Never raises for a failed backup: the run row says what happened."""
    interrupted = BackupRun.objects.filter(
        status=BackupRun.Status.RUNNING,
        started_at__lt=timezone.now() - timedelta(seconds=backups.STALE_TMP_SECONDS))
    # A run killed halfway (the restore records the backup's own run as succeeded).
    interrupted.update(status=BackupRun.Status.FAILED, finished_at=timezone.now(),
                       error=_("Interrupted (the process stopped before the end)."))
    run = BackupRun.objects.create(trigger=trigger, engine="")
    try:
        made = backups.create_backup(alias=alias, run_id=run.pk)
        removed = backups.rotate()
    except Exception as exc:  # every failure is recorded and alerted, whatever its kind
        logger.exception("backup failed")
        run.status = BackupRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:5000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        alert_operators(
            kind="backup_failed",
            subject=_("Backup failed on %(host)s") % {"host": _host()},
            body=_("The backup started at %(started)s failed:\n\n%(error)s\n\nThe last "
                   "successful backup is listed on the operations page.")
            % {"started": timezone.localtime(run.started_at).strftime("%d/%m/%Y %H:%M"),
               "error": run.error},
            dedupe_key=f"backup_failed:{run.pk}",
        )
        return run
    run.status = BackupRun.Status.SUCCEEDED
    run.engine = made.manifest["engine"]
    run.size = made.size
    run.path = str(made.path)
    run.finished_at = timezone.now()
    if removed:
        logger.info("backup rotation removed %s", ", ".join(p.name for p in removed))
    run.save(update_fields=["status", "engine", "size", "path", "finished_at"])
    return run


def _host() -> str:
    from portal.agencies.models import Province

    province = Province.current()
    return getattr(province, "domain", "") or "dichvucong"


def last_successful_backup() -> BackupRun | None:
    return (BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED)
            .order_by("-finished_at").first())


def backup_age_seconds(now: datetime | None = None) -> float | None:
    """Seconds since the last successful backup finished; None when there never was one."""
    last = last_successful_backup()
    if last is None or last.finished_at is None:
        return None
    return ((now or timezone.now()) - last.finished_at).total_seconds()


@transaction.atomic
def beat(name: str = "worker", now: datetime | None = None) -> None:
    """Record that a worker is alive (``ops.heartbeat``)."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})


class OpsError(Exception):
    """A refusal shown to the user as it is."""


# -- maintenance notices (O2) ----------------------------------------------------------------


def _notice_rule(kind: str, ops: Any) -> tuple[int, str]:
    from .models import MaintenanceNotice

    if kind == MaintenanceNotice.Kind.MAINTENANCE:
        return ops.maintenance_notice, ops.maintenance_notice_unit
    if kind == MaintenanceNotice.Kind.UPGRADE:
        return ops.upgrade_notice, ops.upgrade_notice_unit
    return ops.other_notice, ops.other_notice_unit


def notice_rule_text(kind: str) -> str:
    from .models import NoticeUnit, OpsSettings

    amount, unit = _notice_rule(kind, OpsSettings.current())
    label = NoticeUnit(unit).label
    return f"{amount} {label}"


def earliest_start(kind: str, published_at: datetime) -> datetime:
    """The earliest start of a window announced at ``published_at``: the province's minimum
    notice counted on the working calendar (Tiền Giang Decision 01/2025 Art. 9.2: 8 working
    hours; Thái Nguyên Decision 47/2025 Art. 9.3: 2 working days before maintenance, Art. 10.4:
    5 working days before an upgrade)."""
    from portal.calendar.services import get_calendar

    from .models import NoticeUnit, OpsSettings

    amount, unit = _notice_rule(kind, OpsSettings.current())
    if amount <= 0:
        return published_at
    calendar = get_calendar()
    if unit == NoticeUnit.WORKING_DAYS:
        return calendar.add_working_days(published_at, amount)
    return calendar.add_working_hours(published_at, amount)


def publish_notice(*, kind: str, starts_at: datetime, ends_at: datetime, message: str,
                   by: User, now: datetime | None = None) -> Any:
    """Publish a maintenance notice; refused when it gives less than the minimum notice."""
    from portal.audit.models import AuditEntry
    from portal.audit.services import record

    from .models import MaintenanceNotice
    from .selectors import forget_banner

    now = now or timezone.now()
    if ends_at <= starts_at:
        raise OpsError(_("The window must end after it starts."))
    earliest = earliest_start(kind, now)
    if starts_at < earliest:
        raise OpsError(_(
            "Agencies must be told at least %(notice)s before a %(kind)s: announced now, it "
            "can start at %(earliest)s at the earliest.") % {
                "notice": notice_rule_text(kind),
                "kind": MaintenanceNotice.Kind(kind).label.lower(),
                "earliest": timezone.localtime(earliest).strftime("%H:%M %d/%m/%Y")})
    notice = MaintenanceNotice.objects.create(kind=kind, starts_at=starts_at, ends_at=ends_at,
                                              message=message.strip(), created_by=by,
                                              published_at=now)
    record(AuditEntry.Action.OTHER, actor=by, obj=notice,
           message=f"maintenance notice {kind} {starts_at.isoformat()}")
    transaction.on_commit(forget_banner)
    return notice


def cancel_notice(notice: Any, *, by: User) -> None:
    from portal.audit.models import AuditEntry
    from portal.audit.services import record

    from .selectors import forget_banner

    if notice.cancelled_at is None:
        notice.cancelled_at = timezone.now()
        notice.save(update_fields=["cancelled_at"])
        record(AuditEntry.Action.OTHER, actor=by, obj=notice, message="maintenance notice "
               "cancelled")
    transaction.on_commit(forget_banner)


# -- support requests (TG Art. 9.1) ------------------------------------------------------------


def support_agencies(user: User) -> list[Any]:
    """Agencies in which ``user`` works now (any officer role): where they may ask for help and
    whose requests they see."""
    from portal.agencies.models import Agency

    if not user.is_authenticated:
        return []
    ids = user.memberships.current().exclude(role=Role.CITIZEN).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def open_support_request(*, user: User, agency: Any, subject: str, body: str,
                         now: datetime | None = None) -> Any:
    """File a request for technical support; the answer is due within the province's response
    time in working hours (Tiền Giang Decision 01/2025 Art. 9.1: 2 working hours)."""
    from portal.calendar.services import get_calendar

    from .models import OpsSettings, SupportRequest

    if agency.pk not in {a.pk for a in support_agencies(user)}:
        raise OpsError(_("You can only ask for support for an agency you work in."))
    now = now or timezone.now()
    hours = OpsSettings.current().support_response_working_hours
    due = get_calendar().add_working_hours(now, hours)
    request = SupportRequest.objects.create(agency=agency, requester=user,
                                            subject=subject.strip(), body=body.strip(),
                                            created_at=now, due_at=due)
    alert_operators(
        kind="support_request",
        subject=_("Support request #%(id)d from %(agency)s") % {"id": request.pk,
                                                               "agency": agency.name},
        body=_("%(subject)s\n\n%(body)s\n\nAnswer due by %(due)s.") % {
            "subject": request.subject, "body": request.body,
            "due": timezone.localtime(due).strftime("%H:%M %d/%m/%Y")},
        dedupe_key=f"support_request:{request.pk}")
    return request


def answer_support_request(request: Any, *, by: User, answer: str, close: bool = False) -> Any:
    """The operator's answer, shown to the requester (and told by the notification service)."""
    from .models import SupportRequest

    answer = answer.strip()
    if not answer:
        raise OpsError(_("Write an answer."))
    first = request.answered_at is None
    request.answer = answer
    request.answered_by = by
    if first:
        request.answered_at = timezone.now()
    request.status = SupportRequest.Status.CLOSED if close else SupportRequest.Status.ANSWERED
    request.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    _notify()(kind="support_answered",
              subject=_("Your support request #%(id)d was answered") % {"id": request.pk},
              body=answer, user=request.requester,
              link=reverse("ops:support-detail", args=[request.pk]),
              dedupe_key=f"support_answered:{request.pk}:{timezone.now().isoformat()}")
    return request
