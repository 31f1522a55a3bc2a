"""Read-side of the DVCQG sync: a dossier's sync status, dead letters, reconciliation, lag."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierEvent
from dossiers.states import NATIONAL_STATUS, State

from .models import OutboxEvent, Service

UNSENT = (OutboxEvent.Status.PENDING, OutboxEvent.Status.SENDING, OutboxEvent.Status.FAILED,
          OutboxEvent.Status.DEAD)


@dataclass(frozen=True)
class SyncStatus:
    """What an officer sees on a dossier: ``state`` is "none", "pending", "synced" or "failed"."""

    state: str
    label: str
    waiting: int
    last_error: str
    next_attempt_at: datetime | None
    synced_at: datetime | None
    dead: bool


def sync_status(dossier: Dossier) -> SyncStatus:
    rows = list(OutboxEvent.objects.filter(dossier=dossier, status__in=UNSENT)
                .order_by("sequence").only("status", "last_error", "next_attempt_at",
                                           "attempts"))
    if not rows:
        synced = OutboxEvent.objects.filter(dossier=dossier).exists()
        return SyncStatus("synced" if synced else "none",
                          _("synced") if synced else _("nothing to sync"), 0, "", None,
                          dossier.synced_at, False)
    head = rows[0]
    failed = head.status in (OutboxEvent.Status.FAILED, OutboxEvent.Status.DEAD)
    dead = head.status == OutboxEvent.Status.DEAD
    return SyncStatus(
        "failed" if failed else "pending",
        _("failed") if failed else _("pending"),
        len(rows), head.last_error, None if dead else head.next_attempt_at, dossier.synced_at,
        dead)


def problem_rows() -> QuerySet[OutboxEvent]:
    """Dead letters first, then rows failing and waiting for a retry."""
    return (OutboxEvent.objects.filter(status__in=(OutboxEvent.Status.DEAD,
                                                   OutboxEvent.Status.FAILED))
            .select_related("dossier").order_by("-status", "next_attempt_at"))


def counts_by_status() -> dict[str, int]:
    rows = OutboxEvent.objects.values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def outbox_lag_seconds(now: datetime | None = None) -> float:
    """Age of the oldest row not acknowledged yet (0 when the outbox is empty)."""
    now = now or timezone.now()
    oldest = (OutboxEvent.objects.filter(status__in=UNSENT).order_by("created_at")
              .values_list("created_at", flat=True).first())
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


@dataclass(frozen=True)
class ReconciliationRow:
    day: date
    status: int
    ours: int
    acknowledged: int

    @property
    def difference(self) -> int:
        return self.ours - self.acknowledged


def reconciliation(days: int = 14, now: datetime | None = None) -> list[ReconciliationRow]:
    """Per day and national status: status changes we recorded (our dossier events) against the
    ``DongBoHoSoMC`` packets the portal acknowledged for them (I1)."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    ours: dict[tuple[date, int], int] = defaultdict(int)
    events = (DossierEvent.objects.filter(at__gte=since)
              .exclude(from_state=State.DRAFT, to_state=State.WITHDRAWN)
              .exclude(transition="receive_from_portal", data__source="DVCQG")
              .annotate(day=TruncDate("at")).values("day", "to_state", "from_state",
                                                     "transition")
              .annotate(n=Count("id")))
    for row in events:
        status = NATIONAL_STATUS.get(row["to_state"])
        if status is None or (row["from_state"] == row["to_state"]
                              and row["transition"] != "apologise"):
            continue
        ours[(row["day"], status)] += row["n"]
    acked: dict[tuple[date, int], int] = defaultdict(int)
    sent = (OutboxEvent.objects.filter(created_at__gte=since, service=Service.SYNC_DOSSIER,
                                       status=OutboxEvent.Status.ACKNOWLEDGED)
            .annotate(day=TruncDate("created_at")).values("day", "national_status")
            .annotate(n=Count("id")))
    for item in sent:
        acked[(item["day"], item["national_status"] or 0)] += item["n"]
    keys = sorted(set(ours) | set(acked), key=lambda k: (k[0], k[1]), reverse=True)
    return [ReconciliationRow(day, status, ours.get((day, status), 0),
                              acked.get((day, status), 0)) for day, status in keys]


def digest_lines(since: datetime) -> list[str]:
    """Daily digest section: rows that failed or died in the period (ops digest, O3)."""
    rows = (OutboxEvent.objects.filter(status__in=(OutboxEvent.Status.FAILED,
                                                   OutboxEvent.Status.DEAD),
                                       next_attempt_at__gte=since)
            .order_by("-status", "dossier_code", "sequence")[:200])
    return [f"{row.dossier_code} #{row.sequence} {row.service} [{row.get_status_display()}]: "
            f"{row.last_error}" for row in rows]
