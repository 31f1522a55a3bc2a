"""The one permission helper used by views, API views and admin querysets.

A role held in an agency applies to that agency and every agency below it; supervisors and
operators act province-wide (U5, U6). Memberships are read from the database on each request, so
moving or locking an officer takes effect at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet

from portal.agencies import tree
from portal.agencies.models import Agency

from .roles import AGENCY_ROLE_PERMS, PROVINCE_ROLE_PERMS, Perm, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_dvc_role_cache"
_IDS_ATTR = "_dvc_agency_ids_cache"


def _roles(user: User | AnonymousUser) -> list[tuple[str, int]]:
    """(role, agency id) of the user's memberships in force, cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.memberships.current().values_list("role", "agency_id"))  # type: ignore[union-attr]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User) -> None:
    """Drop the per-request cache after memberships change."""
    for attr in (_CACHE_ATTR, _IDS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_of(user: User | AnonymousUser) -> set[str]:
    """Every role the user holds now; a signed-in non-officer is a citizen."""
    roles = {role for role, _agency in _roles(user)}
    if user.is_authenticated and not roles and not getattr(user, "is_officer", False):
        roles.add(Role.CITIZEN)
    return roles


def is_province_wide(user: User | AnonymousUser, perm: Perm) -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return any(perm in PROVINCE_ROLE_PERMS.get(role, ()) for role, _agency in _roles(user))


def agency_ids_for(user: User | AnonymousUser, perm: Perm) -> set[int] | None:
    """Ids of the agencies where ``user`` may do ``perm``; ``None`` means every agency.
    Worked out once per request (kept with the roles on the user object)."""
    if is_province_wide(user, perm):
        return None
    roles = _roles(user)
    memo: dict[Perm, frozenset[int]] | None = getattr(user, _IDS_ATTR, None)
    if memo is None or getattr(user, _CACHE_ATTR, None) is not roles:
        memo = {}
        if user.is_authenticated:
            setattr(user, _IDS_ATTR, memo)
    if perm not in memo:
        roots = {agency for role, agency in roles if perm in AGENCY_ROLE_PERMS.get(role, ())}
        memo[perm] = frozenset(tree.descendants(roots)) if roots else frozenset()
    return set(memo[perm])


def has_perm(user: User | AnonymousUser, perm: Perm, agency: Agency | int | None = None) -> bool:
    """May ``user`` do ``perm`` in ``agency`` (or in at least one agency when none is given)?"""
    ids = agency_ids_for(user, perm)
    if ids is None:
        return True
    if agency is None:
        return bool(ids)
    return (agency if isinstance(agency, int) else agency.pk) in ids


def scope(queryset: QuerySet[M], user: User | AnonymousUser, perm: Perm,
          agency_field: str = "agency") -> QuerySet[M]:
    """``queryset`` narrowed to the rows whose ``agency_field`` the user may ``perm``."""
    ids = agency_ids_for(user, perm)
    if ids is None:
        return queryset
    if agency_field == "pk":
        return queryset.filter(pk__in=ids)
    return queryset.filter(**{f"{agency_field}__in": ids})


def agencies_for(user: User | AnonymousUser, perm: Perm) -> QuerySet[Agency]:
    return scope(Agency.objects.all(), user, perm, agency_field="pk")
