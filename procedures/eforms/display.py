"""A filled (or empty) form as rows to show on the page and in the PDF."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from . import addresses


def format_value(spec: dict[str, Any], value: Any) -> str:
    """The value as a person reads it ("" when not given)."""
    kind = spec["type"]
    if value in (None, "", [], {}):
        return ""
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == "choice":
        return dict(spec.get("choices", [])).get(value, str(value))
    if kind == "checkbox":
        return _("Yes") if value else ""
    if kind == "address":
        return addresses.format_address(value)
    if kind == "attachment":
        return str(value.get("name", "")) if isinstance(value, dict) else ""
    if kind == "number" and isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def display_items(definition: dict[str, Any], data: dict[str, Any] | None,
                  *, blank_rows: int = 3) -> list[dict[str, Any]]:
    """One item per top-level field: ``{"kind", "label", "value", "checked"}``; groups give
    ``{"kind": "group", "label", "columns", "rows"}`` (``blank_rows`` empty rows when empty)."""
    data = data or {}
    items: list[dict[str, Any]] = []
    for spec in definition.get("fields") or []:
        value = data.get(spec["name"])
        if spec["type"] == "group":
            subs = spec.get("fields") or []
            rows = [[format_value(sub, row.get(sub["name"])) for sub in subs]
                    for row in (value or []) if isinstance(row, dict)]
            if not rows and not data:
                rows = [[""] * len(subs) for _i in range(blank_rows)]
            items.append({"kind": "group", "label": spec["label"], "name": spec["name"],
                          "columns": [sub["label"] for sub in subs], "rows": rows})
        else:
            items.append({"kind": spec["type"], "label": spec["label"], "name": spec["name"],
                          "value": format_value(spec, value), "checked": bool(value),
                          "raw": value})
    return items
