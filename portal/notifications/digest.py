"""The operators' daily digest section: notifications that failed in the period (issue 6, O3)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from .models import Delivery

MAX_LINES = 50


def mask(address: str) -> str:
    """Enough of an address to tell deliveries apart, not the whole personal datum."""
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:2]}***@{domain}"
    if len(address) > 6:
        return f"{address[:5]}***{address[-3:]}"
    return "***"


def failed_notifications(since: datetime) -> list[str]:
    """One line per e-mail or SMS created since ``since`` that is still failed."""
    rows = (Delivery.objects.filter(status=Delivery.Status.FAILED, created_at__gte=since)
            .order_by("-created_at"))
    total = rows.count()
    lines = []
    for d in rows[:MAX_LINES]:
        state = (_("retrying") if d.next_attempt_at is not None else _("given up"))
        lines.append(f"{d.get_channel_display()} {mask(d.address)} · {d.kind} · "
                     f"{d.subject[:80]} · {d.attempts}× ({state}): {d.last_error[:160]}")
    if total > MAX_LINES:
        lines.append(_("… and %(count)d more.") % {"count": total - MAX_LINES})
    return lines
