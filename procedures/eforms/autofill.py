"""Initial values of an e-form: first the signed-in person's identity, then the values they
gave in their most recent filled forms under the same field names (reuse of data across forms,
P4). Identity values win for identity fields."""

from __future__ import annotations

from typing import Any

from . import addresses

#: How many of the person's latest filled forms are searched for reusable values.
REUSE_DEPTH = 20
#: Values never carried over: files, and declarations the person must tick themselves.
NOT_REUSED = ("attachment", "checkbox")


def identity_value(user: Any, key: str) -> Any:
    """The value of one autofill key from the user's account, or ``None``."""
    if key == "date_of_birth":
        born = getattr(user, "date_of_birth", None)
        return born.isoformat() if born else None
    if key == "full_name":
        return getattr(user, "full_name", "") or user.get_full_name() or None
    if key == "address":
        text = getattr(user, "address", "") or ""
        return addresses.parse_address(text) if text.strip() else None
    value = getattr(user, key, None)
    return value or None


def _compatible(spec: dict[str, Any], value: Any) -> bool:
    kind = spec["type"]
    if kind in NOT_REUSED or value in (None, "", [], {}):
        return False
    if kind == "address":
        return isinstance(value, dict)
    if kind == "group":
        return isinstance(value, list) and all(isinstance(row, dict) for row in value)
    if kind == "choice":
        return value in {pair[0] for pair in spec.get("choices", [])}
    return not isinstance(value, dict | list)


def earlier_values(user: Any, *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Each field name's most recent value among the user's filled forms."""
    from procedures.models import FilledForm

    found: dict[str, Any] = {}
    rows = FilledForm.objects.filter(user=user).order_by("-updated_at", "-pk")
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    for data in rows.values_list("data", flat=True)[:REUSE_DEPTH]:
        if isinstance(data, dict):
            for name, value in data.items():
                if name not in found and value not in (None, "", [], {}):
                    found[name] = value
    return found


def initial_values(version: Any, user: Any) -> dict[str, Any]:
    """JSON initial values by field name for ``user`` filling ``version``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    earlier = earlier_values(user)
    initial: dict[str, Any] = {}
    for spec in version.definition.get("fields") or []:
        name = spec.get("name")
        value = None
        if spec.get("autofill"):
            value = identity_value(user, spec["autofill"])
        if value is None and _compatible(spec, earlier.get(name)):
            value = earlier[name]
        if value is not None:
            initial[name] = value
    return initial
