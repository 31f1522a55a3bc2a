"""Audit of sign-in events and the session's security stamp. Receivers only record; no rules."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from portal.audit.services import Action, record

from .services import SESSION_STAMP_KEY


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STAMP_KEY] = user.security_stamp
    record(Action.LOGIN, actor=user, obj=user, request=request)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, actor=user, obj=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    record(Action.LOGIN_FAILED, request=request, object_type="accounts.user",
           object_repr=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: HttpRequest, username: str | None = None,
                  **kwargs: Any) -> None:
    record(Action.LOCKED_OUT, request=request, object_type="accounts.user",
           object_repr=(username or "")[:150])
