"""Operations rules (O1-O3): backup runs and their alerts, maintenance notices, support
requests."""

from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
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


def _notify() -> Any | None:
    """The notification service of portal.notifications when it is installed."""
    try:
        module = importlib.import_module("portal.notifications.services")
    except ImportError:
        return None
    return getattr(module, "notify", None)


def alert_operators(*, kind: str, subject: str, body: str, dedupe_key: str = "") -> int:
    """Tell every operator (in-app + e-mail through the notification service; plain e-mail to
    them and to ``OPS_ALERT_EMAILS`` otherwise). Never raises: an alert must not hide the
    failure it reports. Returns how many recipients were addressed."""
    recipients = operators()
    extra = [e for e in settings.OPS_ALERT_EMAILS if e]
    notify = _notify()
    count = 0
    try:
        if notify is not None:
            for user in recipients:
                notify(kind=kind, subject=subject, body=body, user=user,
                       dedupe_key=f"{dedupe_key}:{user.pk}" if dedupe_key else "")
                count += 1
            for email in extra:
                notify(kind=kind, subject=subject, body=body, email=email, in_app=False,
                       dedupe_key=f"{dedupe_key}:{email}" if dedupe_key else "")
                count += 1
        else:
            emails = sorted({u.email for u in recipients if u.email} | set(extra))
            if emails:
                send_mail(subject, body, settings.SERVER_EMAIL, emails, fail_silently=False)
            count = len(emails)
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
    # A run killed halfway, or the "running" row of the backup a database was restored from.
    interrupted.update(status=BackupRun.Status.FAILED, finished_at=timezone.now(),
                       error=_("Interrupted (the process stopped before the end)."))
    run = BackupRun.objects.create(trigger=trigger, engine="")
    try:
        made = backups.create_backup(alias=alias)
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
