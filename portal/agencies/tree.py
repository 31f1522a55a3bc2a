"""The agency tree (A1), read in one query and kept in the shared cache: every permission check
and the officers' queues walk it on each request, and agencies are rarely added or moved.

The tree is cached under a *generation*: saving or deleting an agency starts a new generation
at once and again when the transaction commits (``portal.agencies.apps``), so a request that
read the old rows meanwhile can only store them under a generation nobody reads any more; a
change takes effect on the next request. :data:`TTL` bounds what a write that sends no signal
(a bulk ``update()``, raw SQL) could leave behind; ``manage.py restore`` clears the cache.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "agencies:tree-generation"
TTL = 300

Children = dict[int | None, list[int]]


def _load() -> dict[str, Children]:
    from .models import Agency

    every: Children = {}
    active: Children = {}
    for pk, parent, is_active in Agency.objects.order_by().values_list("pk", "parent_id",
                                                                       "is_active"):
        every.setdefault(parent, []).append(pk)
        if is_active:
            active.setdefault(parent, []).append(pk)
    return {"all": every, "active": active}


def children(*, active_only: bool = False) -> Children:
    """Agency ids by parent id (``None``: the top level); with ``active_only``, the active
    agencies only (an inactive agency hides its whole branch)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    key = f"agencies:tree:{generation}"
    tree: dict[str, Children] | None = cache.get(key)
    if tree is None:
        tree = _load()
        cache.set(key, tree, TTL)
    return tree["active" if active_only else "all"]


def descendants(roots: Iterable[int], *, active_only: bool = False) -> set[int]:
    """``roots`` and every agency below them."""
    below = children(active_only=active_only)
    ids = set(roots)
    frontier = list(ids)
    while frontier:
        frontier = [c for parent in frontier for c in below.get(parent, ()) if c not in ids]
        ids.update(frontier)
    return ids


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: the TTL bounds the stale tree
        logger.exception("could not start a new agency tree generation")


def forget() -> None:
    """The tree changed: start a new generation (now, and after the writing transaction)."""
    _new_generation()
    transaction.on_commit(_new_generation)
