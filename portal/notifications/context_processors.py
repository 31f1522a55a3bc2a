"""The unread-message count shown in the top navigation (D10)."""

from __future__ import annotations

from django.http import HttpRequest

from .services import unread_count


def inbox(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": unread_count(user)}
