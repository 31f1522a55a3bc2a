"""The agency tree (A1), read in one query and kept in the shared cache: every permission check
and the officers' queues walk it on each request, and agencies are rarely added or moved.

Saving or deleting an agency drops the cached tree at once and again when the transaction
commits (``portal.agencies.apps``); :data:`TTL` bounds what a bulk update (which sends no
signal) could leave behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

KEY = "agencies:tree"
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
    tree: dict[str, Children] | None = cache.get(KEY)
    if tree is None:
        tree = _load()
        cache.set(KEY, tree, TTL)
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


def forget() -> None:
    """The tree changed: drop the cached copy (now, and after the writing transaction)."""
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))
