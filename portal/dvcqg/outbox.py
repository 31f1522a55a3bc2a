"""The transactional outbox towards the national portal (I1; ADR 0007).

Writing: :func:`on_dossier_event` is registered with ``dossiers.hooks`` and runs inside the
transaction of every transition, holding the dossier's row lock. It writes at most one
:class:`OutboxEvent` with the next sequence number of that dossier (the lock makes the number
unique without a race): a rolled-back transition leaves no row, a committed one is never missed.

Delivering: :func:`deliver` (the Celery task ``dvcqg.send_outbox``) sends rows whose dossier has no
earlier undelivered row, claims each row with a lease before the HTTP call (so a dead worker's row
is taken again once the lease is over), retries with exponential backoff, and moves a row to the
dead letters after ``DVCQG_MAX_ATTEMPTS``. The idempotency key of each row lets the portal drop a
packet it already applied — the worker may die after the call and before marking the row.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Expression, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent
from dossiers.states import NATIONAL_STATUS, State

from .client import DvcqgClient, DvcqgError
from .models import OutboxEvent, Service
from .records import dossier_record, progress_record

logger = logging.getLogger(__name__)

#: In-state actions the portal learns as progress (``CapNhatTienDoHoSoMC``, LEGAL-NOTES §6).
STEP_TRANSITIONS = frozenset({"assign_step", "complete_step", "send_back_step", "forward_step",
                              "return_step"})
#: In-state actions that change the dossier record (the new appointment of the apology letter).
RECORD_ACTIONS = frozenset({"apologise"})
#: Transitions the portal already knows: it sent us the dossier.
KNOWN_TO_PORTAL = frozenset({"receive_from_portal"})

OPEN = (OutboxEvent.Status.PENDING, OutboxEvent.Status.SENDING, OutboxEvent.Status.FAILED,
        OutboxEvent.Status.DEAD)


# -- writing ---------------------------------------------------------------------------------


def service_for(event: DossierEvent) -> str | None:
    """Which call the portal needs for ``event``; ``None``: nothing to send (drafts never)."""
    if event.transition in KNOWN_TO_PORTAL and (event.data or {}).get("source") == "DVCQG":
        return None  # it came from the portal (a ministry's dossier is announced, though)
    if NATIONAL_STATUS.get(event.to_state) is None or (
            event.from_state == State.DRAFT and event.to_state == State.WITHDRAWN):
        return None  # a draft, or a draft withdrawn: the portal never knew it
    if event.transition in STEP_TRANSITIONS:
        return Service.PROGRESS
    if event.from_state != event.to_state or event.transition in RECORD_ACTIONS:
        return Service.SYNC_DOSSIER
    return None


def next_sequence(dossier_id: int) -> Expression:
    """The dossier's last sequence number + 1 (1 for its first row), as an expression the INSERT
    computes: one statement, no separate read. Unique because the writer holds the dossier's row
    lock (``select_for_update`` in the transition), which serialises the rows of one dossier; the
    unique constraint (dossier, sequence) is the backstop. Reads the constraint's index."""
    last = (OutboxEvent.objects.filter(dossier_id=dossier_id).order_by("-sequence")
            .values("sequence")[:1])
    return Coalesce(Subquery(last), Value(0)) + Value(1)


def enqueue(dossier: Dossier, service: str, payload: dict, *, event: DossierEvent | None = None,
            national_status: int | None = None, now: datetime | None = None) -> OutboxEvent:
    """Add a row after the dossier's last one, in one INSERT. The caller holds the dossier's row
    lock (or is the only writer, as in tests and the bench).

    The returned row's ``sequence`` was computed by the database: it is left deferred (read
    from the database on first access, which the transitions never do)."""
    now = now or timezone.now()
    row = OutboxEvent(
        dossier=dossier, dossier_code=dossier.code or "", sequence=next_sequence(dossier.pk),
        event=event, service=service, national_status=national_status, payload=payload,
        created_at=now, next_attempt_at=now)
    row.save(force_insert=True)
    del row.sequence  # the expression, not the number: make it a deferred field
    return row


def on_dossier_event(event: DossierEvent) -> None:
    """``dossiers.hooks`` handler: runs in the transition's transaction; writes rows only."""
    service = service_for(event)
    if service is None:
        return
    dossier = event.dossier
    if service == Service.PROGRESS:
        payload = progress_record(dossier, event)
        status = NATIONAL_STATUS.get(dossier.state)
    else:
        payload = dossier_record(dossier, event)
        status = payload["TrangThaiHoSo"]
    enqueue(dossier, service, payload, event=event, national_status=status, now=event.at)
    transaction.on_commit(_kick)


def _kick() -> None:
    if not getattr(settings, "DVCQG_BASE_URL", ""):
        return
    from .tasks import send_outbox

    try:
        send_outbox.delay()
    except Exception:  # the broker is down: beat picks the rows up within a minute
        logger.warning("could not queue dvcqg.send_outbox", exc_info=True)


# -- delivering ------------------------------------------------------------------------------


def ready(now: datetime) -> QuerySet[OutboxEvent]:
    """Rows to send now: due, not claimed by a living worker, and first of their dossier among
    the rows not acknowledged yet (a later row waits while an earlier one is pending, failed or
    dead: order per dossier)."""
    earlier = OutboxEvent.objects.filter(
        dossier_id=OuterRef("dossier_id"), sequence__lt=OuterRef("sequence")).exclude(
        status=OutboxEvent.Status.ACKNOWLEDGED)
    return (OutboxEvent.objects
            .filter(Q(status__in=(OutboxEvent.Status.PENDING, OutboxEvent.Status.FAILED))
                    | Q(status=OutboxEvent.Status.SENDING, lease_until__lt=now),
                    next_attempt_at__lte=now)
            .exclude(status=OutboxEvent.Status.ACKNOWLEDGED)
            .filter(~Exists(earlier))
            .order_by("next_attempt_at", "id"))


def _claim(rows: list[OutboxEvent], now: datetime) -> list[OutboxEvent]:
    """Claim ``rows`` with one conditional UPDATE; the ones this worker got. The lease instant
    (with random microseconds) tells our claims from a concurrent worker's."""
    lease = now + timedelta(seconds=settings.DVCQG_LEASE_SECONDS,
                            microseconds=secrets.randbelow(1_000_000))
    ids = [row.pk for row in rows]
    OutboxEvent.objects.filter(
        Q(status__in=(OutboxEvent.Status.PENDING, OutboxEvent.Status.FAILED))
        | Q(status=OutboxEvent.Status.SENDING, lease_until__lt=now),
        pk__in=ids, next_attempt_at__lte=now,
    ).update(status=OutboxEvent.Status.SENDING, lease_until=lease)
    mine = set(OutboxEvent.objects.filter(pk__in=ids, status=OutboxEvent.Status.SENDING,
                                          lease_until=lease).values_list("pk", flat=True))
    for row in rows:
        row.lease_until = lease
    return [row for row in rows if row.pk in mine]


def _fast_commit() -> None:
    """On PostgreSQL, the marks after a call need not wait for the disk: if the server crashed
    and lost them, the rows would be sent again and the portal would drop the duplicates."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def backoff(attempts: int) -> timedelta:
    """Exponential: base × 2^(attempts−1), at most ``DVCQG_BACKOFF_MAX_SECONDS``."""
    seconds = settings.DVCQG_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, settings.DVCQG_BACKOFF_MAX_SECONDS))


def send_one(client: DvcqgClient, row: OutboxEvent) -> bool:
    """Send a claimed row and record the outcome and the call log in one transaction; whether
    the portal acknowledged it."""
    client.deferred_logs = []
    try:
        if row.service == Service.PROGRESS:
            client.update_progress(row.payload, idempotency_key=str(row.key), outbox_id=row.pk)
        else:
            client.sync_dossier(row.payload, updating=row.sequence > 1,
                                idempotency_key=str(row.key), outbox_id=row.pk)
    except DvcqgError as error:
        attempts = row.attempts + 1
        now = timezone.now()
        dead = attempts >= settings.DVCQG_MAX_ATTEMPTS
        with transaction.atomic():
            _fast_commit()
            OutboxEvent.objects.filter(pk=row.pk, status=OutboxEvent.Status.SENDING).update(
                status=OutboxEvent.Status.DEAD if dead else OutboxEvent.Status.FAILED,
                attempts=attempts, last_error=str(error)[:1000], lease_until=None,
                next_attempt_at=now + backoff(attempts))
            client.flush_logs()
        return False
    now = timezone.now()
    with transaction.atomic():
        _fast_commit()
        OutboxEvent.objects.filter(pk=row.pk).update(
            status=OutboxEvent.Status.ACKNOWLEDGED, attempts=row.attempts + 1,
            acknowledged_at=now, lease_until=None, last_error="")
        Dossier.objects.filter(pk=row.dossier_id).update(synced_at=now)
        client.flush_logs()
    return True


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0


_report_lock = threading.Lock()
#: Rows claimed by one UPDATE; each is sent before its claim (``DVCQG_LEASE_SECONDS``) ends.
CLAIM_BATCH = 10


def _send_chunk(rows: list[OutboxEvent], deadline: float, report: DeliveryReport,
                client: DvcqgClient | None = None, own_connection: bool = False) -> None:
    client = client or DvcqgClient()
    try:
        for start in range(0, len(rows), CLAIM_BATCH):
            if time.monotonic() >= deadline:
                break
            for row in _claim(rows[start:start + CLAIM_BATCH], timezone.now()):
                if row.lease_until is not None and row.lease_until <= timezone.now():
                    break  # the claim ran out (a slow portal): taken again next pass
                ok = send_one(client, row)
                with _report_lock:
                    if ok:
                        report.sent += 1
                    else:
                        report.failed += 1
    finally:
        client.flush_logs()
        if own_connection:
            connection.close()  # a pool thread's own connection


def deliver(*, budget_seconds: float | None = None, batch: int = 200,
            concurrency: int | None = None) -> DeliveryReport:
    """Send what is ready until nothing is, or the time budget is spent. Safe to run in several
    workers at once: a row is sent only by the worker that claimed it. Each pass takes at most
    one row per dossier, so the pass's rows may go out in parallel (``DVCQG_CONCURRENCY``
    threads) without breaking the order per dossier."""
    report = DeliveryReport()
    if not getattr(settings, "DVCQG_BASE_URL", ""):
        return report
    budget = settings.DVCQG_SEND_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    threads = max(1, concurrency or settings.DVCQG_CONCURRENCY)
    deadline = time.monotonic() + budget
    client = DvcqgClient()
    while time.monotonic() < deadline:
        now = timezone.now()
        rows = list(ready(now)[:batch])
        if not rows:
            soonest = (OutboxEvent.objects.filter(status__in=(OutboxEvent.Status.PENDING,
                                                              OutboxEvent.Status.FAILED))
                       .order_by("next_attempt_at").values_list("next_attempt_at", flat=True)
                       .first())
            wait = (soonest - now).total_seconds() if soonest is not None else None
            if wait is None or wait > deadline - time.monotonic():
                break
            time.sleep(max(0.01, wait))
            continue
        seen: set[int] = set()
        heads = []
        for row in rows:  # one row per dossier per pass: the next one waits for this one
            if row.dossier_id not in seen:
                seen.add(row.dossier_id)
                heads.append(row)
        if threads == 1 or len(heads) < 2 * threads:
            _send_chunk(heads, deadline, report, client)
            continue
        parts = [heads[i::threads] for i in range(threads)]
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(_send_chunk, part, deadline, report, None, True)
                           for part in parts]:
                future.result()
    report.waiting = OutboxEvent.objects.filter(status__in=(
        OutboxEvent.Status.PENDING, OutboxEvent.Status.FAILED)).count()
    return report


def resend(row: OutboxEvent) -> None:
    """The operator's "resend": the row goes back to the queue now with fresh attempts, whatever
    its state (a dead letter, a failure, an acknowledged row the portal lost)."""
    OutboxEvent.objects.filter(pk=row.pk).update(
        status=OutboxEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
        lease_until=None)
    transaction.on_commit(_kick)
