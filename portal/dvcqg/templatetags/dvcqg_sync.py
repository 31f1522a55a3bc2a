"""``{% dossier_sync_status dossier %}``: the dossier's sync with the national portal (I1)."""

from __future__ import annotations

from typing import Any

from django import template

from dossiers.models import Dossier
from portal.dvcqg.selectors import sync_status

register = template.Library()


@register.inclusion_tag("dvcqg/_dossier_sync_status.html")
def dossier_sync_status(dossier: Dossier) -> dict[str, Any]:
    return {"sync": sync_status(dossier), "dossier": dossier}
