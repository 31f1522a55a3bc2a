"""The unread-message count shown in the top navigation (D10)."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Message


def inbox(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": Message.objects.filter(user=user, read_at__isnull=True).count()}
