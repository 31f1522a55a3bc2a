"""The maintenance banner on every page (O2)."""

from __future__ import annotations

from django.http import HttpRequest

from .selectors import banner_notices


def maintenance(request: HttpRequest) -> dict[str, object]:
    """Notices published and not yet over, soonest first; evaluated lazily by the template."""
    return {"maintenance_notices": banner_notices}
