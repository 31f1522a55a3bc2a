"""``{% warehouse_items as items %}``: the signed-in citizen's own data warehouse items, for the
"reuse instead of uploading" box of the dossier draft (D9)."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import WarehouseItem
from ..services import items_for, owner_key, sync_digitized

register = template.Library()


@register.simple_tag(takes_context=True)
def warehouse_items(context: Any) -> list[WarehouseItem]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not owner_key(user):
        return []
    sync_digitized(owner_key(user))
    return list(items_for(user)[:100])
