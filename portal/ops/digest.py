"""The daily digest e-mail to operators (issue 6, O3; TG Art. 9, TN Art. 17.9).

Every area that has something operators must see each morning registers a *section*::

    from portal.ops import digest

    def failed_syncs(since: datetime) -> list[str]:
        return [f"{row.dossier.code}: {row.last_error}" for row in ...]

    digest.register("Failed syncs to DVCQG", failed_syncs)   # in AppConfig.ready()

``fn(since)`` returns the lines of its section (plain text, one item per line), an empty list when
there is nothing to report. The title is an English msgid: it is translated when the digest is
built. A section that raises is reported as failed in the digest, never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)

SectionFn = Callable[[datetime], list[str]]


@dataclass(frozen=True)
class Section:
    name: str
    fn: SectionFn


_SECTIONS: dict[str, Section] = {}


def register(name: str, fn: SectionFn) -> None:
    """Add (or replace, by name) a digest section. Call it from ``AppConfig.ready``."""
    _SECTIONS[name] = Section(name, fn)


def sections() -> list[Section]:
    return list(_SECTIONS.values())


@dataclass(frozen=True)
class BuiltSection:
    title: str
    lines: list[str]
    failed: bool = False


def build(since: datetime) -> list[BuiltSection]:
    """Run every registered section for the period starting at ``since``."""
    built: list[BuiltSection] = []
    for section in sections():
        try:
            lines = [str(line) for line in section.fn(since)]
        except Exception:  # a broken section must not hide the others
            logger.exception("digest section %r failed", section.name)
            built.append(BuiltSection(_(section.name), [_("This section could not be built.")],
                                      failed=True))
            continue
        built.append(BuiltSection(_(section.name), lines))
    return built


# -- sending ---------------------------------------------------------------------------------

DIGEST_MARK = "digest"


def render(since: datetime, now: datetime) -> tuple[str, str]:
    """(subject, body) of the digest for the period ``since`` → ``now``."""
    from django.utils import timezone

    from portal.agencies.models import Province

    province = Province.current()
    local = timezone.localtime(now)
    subject = _("Operations digest of %(date)s") % {"date": local.strftime("%d/%m/%Y")}
    lines = [
        _("Daily operations digest of %(portal)s") % {"portal": province.name},
        _("Period: %(since)s to %(now)s") % {
            "since": timezone.localtime(since).strftime("%d/%m/%Y %H:%M"),
            "now": local.strftime("%d/%m/%Y %H:%M")},
        "",
    ]
    for section in build(since):
        lines.append(f"== {section.title} ==")
        lines.extend(f"- {line}" for line in section.lines)
        if not section.lines:
            lines.append(_("Nothing to report."))
        lines.append("")
    return subject, "\n".join(lines)


def send_digest(now: datetime | None = None) -> int:
    """Send the digest to every operator once per local day (a retried or repeated run the
    same day sends nothing). Returns the number of recipients."""
    from django.db import transaction
    from django.utils import timezone

    from .models import Heartbeat
    from .services import alert_operators

    now = now or timezone.now()
    with transaction.atomic():
        mark, created = Heartbeat.objects.select_for_update().get_or_create(
            name=DIGEST_MARK, defaults={"at": now})
        if not created and timezone.localdate(mark.at) == timezone.localdate(now):
            return 0
        since = mark.at if not created else now - _one_day()
        mark.at = now
        mark.save(update_fields=["at"])
    subject, body = render(since, now)
    return alert_operators(kind="ops_digest", subject=subject, body=body,
                           dedupe_key=f"ops_digest:{timezone.localdate(now).isoformat()}")


def _one_day() -> timedelta:
    return timedelta(days=1)


# -- the sections of this app ----------------------------------------------------------------


def overdue_dossiers(since: datetime) -> list[str]:
    """Dossiers past their intake deadline (still awaiting intake) or their result deadline
    (still in processing), counted per responsible agency."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from dossiers.models import Dossier
    from dossiers.states import State
    from portal.agencies.models import Agency

    now = timezone.now()
    intake = dict(Dossier.objects.filter(state=State.SUBMITTED, intake_due_at__lt=now)
                  .values_list("receiving_agency").annotate(n=Count("pk")).values_list(
                      "receiving_agency", "n"))
    result = dict(Dossier.objects.filter(state__in=[State.RECEIVED, State.PROCESSING],
                                         processing_due_at__lt=now)
                  .annotate(responsible=Coalesce("processing_agency", "receiving_agency"))
                  .values("responsible").annotate(n=Count("pk")).values_list("responsible", "n"))
    names = dict(Agency.objects.filter(pk__in=set(intake) | set(result))
                 .values_list("pk", "name"))
    lines = []
    for pk in sorted(names, key=lambda k: names[k]):
        lines.append(_("%(agency)s: %(intake)d overdue at intake, %(result)d overdue results")
                     % {"agency": names[pk], "intake": intake.get(pk, 0),
                        "result": result.get(pk, 0)})
    return lines


def last_backup(since: datetime) -> list[str]:
    from django.utils import timezone

    from .models import BackupRun

    lines = []
    ok = (BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED)
          .order_by("-finished_at").first())
    if ok is None or ok.finished_at is None:
        lines.append(_("No successful backup yet!"))
    else:
        lines.append(_("Last successful backup: %(when)s, %(size)s MB, %(path)s") % {
            "when": timezone.localtime(ok.finished_at).strftime("%d/%m/%Y %H:%M"),
            "size": f"{ok.size / 1048576:.1f}", "path": ok.path})
    for run in BackupRun.objects.filter(status=BackupRun.Status.FAILED, started_at__gte=since):
        lines.append(_("Failed backup at %(when)s: %(error)s") % {
            "when": timezone.localtime(run.started_at).strftime("%d/%m/%Y %H:%M"),
            "error": run.error[:300]})
    return lines


def late_support_requests(since: datetime) -> list[str]:
    from django.utils import timezone

    from .models import SupportRequest

    now = timezone.now()
    rows = (SupportRequest.objects.filter(status=SupportRequest.Status.OPEN, due_at__lt=now)
            .select_related("agency").order_by("due_at"))
    return [_("#%(id)d %(agency)s: %(subject)s (due %(due)s)") % {
        "id": r.pk, "agency": r.agency.name, "subject": r.subject,
        "due": timezone.localtime(r.due_at).strftime("%d/%m/%Y %H:%M")} for r in rows[:50]]


def register_defaults() -> None:
    register(gettext_noop("Overdue dossiers per agency"), overdue_dossiers)
    register(gettext_noop("Backups"), last_backup)
    register(gettext_noop("Support requests not answered in time"), late_support_requests)
