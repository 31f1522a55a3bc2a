"""Writing the audit log. Every caller goes through :func:`record`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest

from portal.net import client_ip

from .models import AuditEntry

Action = AuditEntry.Action

#: Field names whose values never enter the log.
SECRET_FIELDS = frozenset({"password", "secret", "token", "oidc_subject"})


def _clean(changes: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (changes or {}).items():
        if any(secret in key for secret in SECRET_FIELDS):
            out[key] = "***"
        elif isinstance(value, (list, tuple)):
            out[key] = [v if isinstance(v, (int, float, bool, type(None))) else str(v)
                        for v in value]
        elif isinstance(value, dict):
            out[key] = _clean(value)
        elif isinstance(value, (int, float, bool, type(None))):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    changes: Mapping[str, Any] | None = None,
    message: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry. ``actor`` defaults to the request's user."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if actor is not None and hasattr(actor, "get_username")
                    else "system")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        changes=_clean(changes),
        message=message,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request else ""),
    )


def model_changes(form: Any) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields a bound ModelForm changed."""
    changed = {}
    initial = getattr(form, "initial", {})
    for name in getattr(form, "changed_data", []):
        changed[name] = [initial.get(name), form.cleaned_data.get(name)]
    return changed
