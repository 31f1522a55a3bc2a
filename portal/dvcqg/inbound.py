"""Inbound (I2): dossiers submitted on the national portal, and the ministries' systems.

* :func:`fetch_submitted` (periodic task) asks the portal for the dossiers submitted there and
  puts each into our intake queue through ``dossiers.services.receive_from_portal`` (idempotent by
  the national dossier code, so fetching the same window twice is harmless).
* :func:`create_from_system` and :func:`push_status` serve ``/api/v1/ministry/``: a ministry's
  specialised software creates dossiers and moves them through the transition engine ``_run``
  with ``Actor.SYSTEM`` and ``data={"source": <system code>}`` — the same rules, events, outbox rows
  and notifications as every other transition.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import services
from dossiers.models import Dossier
from dossiers.services import DossierError, _pause, _resume, _run, _set_received
from dossiers.states import Actor, Channel, State
from portal.agencies.models import Agency
from portal.calendar.services import get_calendar
from procedures.models import Procedure

from .client import DvcqgClient, DvcqgError
from .models import InboundLog, MinistrySystem
from .records import portal_date

logger = logging.getLogger(__name__)


def body_digest(body: Any) -> str:
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def log_inbound(source: str, endpoint: str, status_code: int, *, errors: Any = None,
                body: Any = None, dossier_code: str = "") -> None:
    InboundLog.objects.create(source=source[:60], endpoint=endpoint[:200],
                              status_code=status_code, errors=errors or {},
                              body_digest=body_digest(body) if body is not None else "",
                              dossier_code=str(dossier_code)[:40])


# -- fetched from the national portal --------------------------------------------------------


def fetch_submitted(now: datetime | None = None) -> dict[str, int]:
    """Fetch the dossiers submitted on the portal in the last ``DVCQG_FETCH_DAYS`` days and
    receive the new ones (W2 counts from their submission there)."""
    from dossiers.api_dvcqg import PortalDossierSerializer

    counts = {"received": 0, "known": 0, "refused": 0}
    if not settings.DVCQG_BASE_URL:
        return counts
    now = now or timezone.now()
    client = DvcqgClient()
    try:
        records = client.submitted_dossiers(
            portal_date(now - timedelta(days=settings.DVCQG_FETCH_DAYS)), portal_date(now))
    except DvcqgError as error:
        logger.warning("DVCQG fetch failed: %s", error)
        return counts
    for record in records:
        serializer = PortalDossierSerializer(data=record)
        if not serializer.is_valid():
            counts["refused"] += 1
            log_inbound("DVCQG", "fetch", 400, errors=serializer.errors, body=record,
                        dossier_code=record.get("MaHoSo", ""))
            continue
        data = serializer.validated_data
        try:
            _dossier, created = services.receive_from_portal(
                data["procedure"], data["agency"], **serializer.dossier_fields(data))
        except DossierError as error:
            counts["refused"] += 1
            log_inbound("DVCQG", "fetch", 409, errors={"MaHoSo": [str(error)]}, body=record,
                        dossier_code=data["MaHoSo"])
            continue
        counts["received" if created else "known"] += 1
        if created:
            log_inbound("DVCQG", "fetch", 201, body=record, dossier_code=data["MaHoSo"])
    return counts


# -- ministries' specialised software --------------------------------------------------------


def authenticate(token: str) -> MinistrySystem | None:
    """The active system holding ``token`` (only hashes are stored)."""
    from .models import hash_token

    if not token:
        return None
    system = MinistrySystem.objects.filter(token_hash=hash_token(token), is_active=True).first()
    if system is not None:
        MinistrySystem.objects.filter(pk=system.pk).update(last_used_at=timezone.now())
    return system


def create_from_system(system: MinistrySystem, procedure: Procedure, agency: Agency, *,
                       code: str, submitted_at: datetime, **applicant: Any
                       ) -> tuple[Dossier, bool]:
    """A dossier registered on the ministry's system enters our intake queue with its code
    (channel online; the event records the source). Idempotent by code."""
    return services.receive_external(procedure, agency, code=code,
                                     submitted_at=submitted_at, channel=Channel.ONLINE,
                                     source=system.code, **applicant)


def _completion_due(d: Dossier, now: datetime) -> None:
    _pause(d, now)
    d.completion_due_at = get_calendar().add_working_days(now, services.COMPLETION_WORKING_DAYS)


def _closed(d: Dossier, now: datetime) -> None:
    _resume(d, now)
    d.closed_at = now


def _settled(d: Dossier, now: datetime) -> None:
    d.settled_at = now


def _returned(d: Dossier, now: datetime) -> None:
    d.returned_at = now
    d.closed_at = now


AfterFn = Callable[[Dossier, datetime], None]

#: (current state, pushed national status) → (transition, what it sets). Built from the one
#: status table (``NATIONAL_STATUS``, LEGAL-NOTES §1); a pair not listed is refused.
STATUS_TRANSITIONS: dict[tuple[str, int], tuple[str, AfterFn | None]] = {
    (State.SUBMITTED, 2): ("accept", _set_received),
    (State.SUBMITTED, 3): ("refuse", lambda d, now: setattr(d, "closed_at", now)),
    (State.SUBMITTED, 5): ("ask_to_complete", _completion_due),
    (State.RECEIVED, 4): ("start_processing", None),
    (State.PROCESSING, 5): ("ask_supplement", _pause),
    (State.WAITING_SUPPLEMENT, 4): ("supplement", _resume),
    (State.PROCESSING, 6): ("ask_payment", _pause),
    (State.WAITING_PAYMENT, 4): ("confirm_payment", _resume),
    (State.RECEIVED, 8): ("stop", _closed),
    (State.PROCESSING, 8): ("stop", _closed),
    (State.WAITING_SUPPLEMENT, 8): ("stop", _closed),
    (State.WAITING_PAYMENT, 8): ("stop", _closed),
    (State.PROCESSING, 9): ("settle", _settled),
    (State.SETTLED, 10): ("return_result", _returned),
}


def push_status(system: MinistrySystem, dossier: Dossier, status: int, *, reason: str = ""
                ) -> Dossier:
    """Move ``dossier`` to the national ``status`` through the matching transition."""
    found = STATUS_TRANSITIONS.get((dossier.state, status))
    if found is None:
        raise DossierError(
            _("A dossier “%(state)s” cannot move to national status %(status)d.")
            % {"state": dossier.get_state_display(), "status": status})
    name, after = found
    if name in ("refuse", "stop", "ask_to_complete", "ask_supplement") and not reason.strip():
        raise DossierError(_("Give the reason."))
    data: dict[str, Any] = {"source": system.code}
    if name == "ask_to_complete":
        data["defects"] = [reason.strip()]
    return _run(dossier, name, actor=Actor.SYSTEM, reason=reason.strip(), data=data,
                after=after)
