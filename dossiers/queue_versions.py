"""Versions of the processing queue, per agency, so that its counters can be cached and still
change at once when a step of one of the officer's agencies changes.

Every write of a ``DossierStep`` (opened, assigned, finished, due instant moved, clock stopped
or running again) bumps the version of the step's agency and a province-wide one, at once and
again when the transaction commits (a request counting in between caches under the version it
read, which the commit replaces). A cached entry therefore lives until the next change in the
agencies it counts, or :data:`COUNTERS_TTL` seconds at most — the bound on how late a step that
becomes overdue by the clock alone shows in the "overdue" counter.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

COUNTERS_TTL = 20
_KEY = "dossiers:queue-version:{}"
_ALL = "dossiers:queue-version:all"


def _bump_now(keys: list[str]) -> None:
    # a new unique value (not an increment: the embedded file cache has no atomic one, and a
    # lost or repeated number could bring back counters cached under it)
    try:
        cache.set_many(dict.fromkeys(keys, uuid.uuid4().hex), None)
    except Exception:  # the cache is down: the counters' TTL bounds what stays stale
        logger.exception("could not bump the processing queue versions")


def bump(*agency_ids: int | None) -> None:
    """The queue of these agencies changed (call inside the writing transaction)."""
    keys = [_KEY.format(a) for a in sorted({a for a in agency_ids if a})] + [_ALL]
    _bump_now(keys)
    transaction.on_commit(lambda: _bump_now(keys))


def versions(agency_ids: Iterable[int] | None) -> tuple[str, ...]:
    """The current versions of these agencies' queues (``None``: the whole province)."""
    keys = [_ALL] if agency_ids is None else [_KEY.format(a) for a in sorted(agency_ids)]
    found = cache.get_many(keys)
    return tuple(str(found.get(key, "")) for key in keys)
