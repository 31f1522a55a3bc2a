"""Read-side queries of the signing app."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from .models import SigningCertificate

EXPIRY_WARNING_DAYS = 30


def expiring_certificates(since: datetime) -> list[str]:
    """Digest section: certificates in force that expire within 30 days (renew them before the
    leaders can no longer sign results)."""
    now = timezone.now()
    rows = (SigningCertificate.objects.valid(now)
            .filter(not_after__lte=now + timedelta(days=EXPIRY_WARNING_DAYS))
            .select_related("user", "agency").order_by("not_after"))
    return [f"{timezone.localtime(c.not_after):%d/%m/%Y} — "
            f"{c.user.get_full_name() or c.user.get_username()} ({c.agency.name}), "
            f"{c.serial}" for c in rows]
