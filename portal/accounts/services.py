"""Account rules: locking, moving and revoking officers (U2-U6; TN 17.10.đ; TH 18.6.b)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from portal.agencies.models import Agency
from portal.audit.services import Action, record

from . import permissions
from .models import Membership, User
from .roles import STAFF_ROLES

SESSION_STAMP_KEY = "dvc_security_stamp"


def revoke_sessions(user: User, *, by: Any = None, request: HttpRequest | None = None,
                    reason: str = "") -> None:
    """End every open session of ``user`` at its next request (the stamp changes)."""
    User.objects.filter(pk=user.pk).update(security_stamp=F("security_stamp") + 1)
    user.refresh_from_db(fields=["security_stamp"])
    permissions.forget(user)
    record(Action.ACCESS_REVOKED, actor=by, obj=user, request=request, message=reason)


@transaction.atomic
def lock_user(user: User, *, by: Any = None, request: HttpRequest | None = None,
              reason: str = "") -> None:
    """Lock an account: it cannot sign in and its open sessions end at once (TH Art. 5)."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    revoke_sessions(user, by=by, request=request, reason=reason or "locked")


@transaction.atomic
def move_officer(user: User, *, to_agency: Agency, role: str, by: Any = None,
                 request: HttpRequest | None = None, unit: str = "") -> Membership:
    """Move an officer: every current membership ends now, the new one starts now, and open
    sessions end so that nothing of the old agency stays reachable (TN 17.10.đ)."""
    now = timezone.now()
    ended = list(user.memberships.current().select_for_update())
    for membership in ended:
        membership.is_active = False
        membership.ended_at = now
        membership.save(update_fields=["is_active", "ended_at"])
    membership, _created = Membership.objects.update_or_create(
        user=user, agency=to_agency, role=role,
        defaults={"is_active": True, "started_at": now, "ended_at": None, "unit": unit},
    )
    record(Action.UPDATE, actor=by, obj=user, request=request,
           changes={"moved_from": [str(m.agency) for m in ended], "moved_to": str(to_agency),
                    "role": role})
    revoke_sessions(user, by=by, request=request, reason="moved")
    return membership


def sync_staff_flag(user: User) -> None:
    """Admin access follows the roles: superusers, agency admins and operators (U4, U6)."""
    staff = user.is_superuser or user.memberships.current().filter(role__in=STAFF_ROLES).exists()
    if user.is_staff != staff:
        User.objects.filter(pk=user.pk).update(is_staff=staff)
        user.is_staff = staff


def password_expired(user: User, now: datetime | None = None) -> bool:
    """Officers' passwords expire after ``OFFICER_PASSWORD_MAX_AGE_DAYS`` (TH 18.6.b)."""
    days = settings.OFFICER_PASSWORD_MAX_AGE_DAYS
    if not days or not user.is_officer or not user.has_usable_password():
        return False
    if user.password_changed_at is None:
        return True
    return (now or timezone.now()) - user.password_changed_at > timedelta(days=days)
