"""Read-side queries of the operations pages (O2, O3)."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from .models import MaintenanceNotice

BANNER_CACHE_KEY = "ops:banner"
BANNER_CACHE_SECONDS = 60


def banner_notices(now: datetime | None = None) -> list[MaintenanceNotice]:
    """Notices to show in the banner: published, not cancelled, not yet over. Cached for a
    minute (one query per minute per process, not one per page)."""
    if now is None:
        cached = cache.get(BANNER_CACHE_KEY)
        if cached is not None:
            current = timezone.now()
            return [n for n in cached if n.published_at <= current < n.ends_at]
    at = now or timezone.now()
    rows = list(MaintenanceNotice.objects.filter(cancelled_at__isnull=True, ends_at__gt=at)
                .order_by("starts_at")[:5])
    if now is None:
        cache.set(BANNER_CACHE_KEY, rows, BANNER_CACHE_SECONDS)
    return [n for n in rows if n.published_at <= at]


def forget_banner() -> None:
    cache.delete(BANNER_CACHE_KEY)
