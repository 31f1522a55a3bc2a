"""Per-request account guards: revoked sessions end, expired officer passwords must change."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .services import SESSION_STAMP_KEY, password_expired


class AccessRevocationMiddleware:
    """Sign out a session whose security stamp is older than the account's (lock, move)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated and SESSION_KEY in request.session:
            # The account behind this session was locked or lost its last role: end it.
            request.session.flush()
        elif user.is_authenticated:
            stamp = request.session.get(SESSION_STAMP_KEY)
            if stamp is not None and stamp != user.security_stamp:  # type: ignore[union-attr]
                logout(request)
                messages.warning(request, _("Your access has changed. Please sign in again."))
                return redirect(reverse("accounts:login"))
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Send an officer with an expired password to the change form before anything else."""

    ALLOWED = ("accounts:password_change", "accounts:password_change_done", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and password_expired(user):  # type: ignore[arg-type]
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/static/"):
                messages.warning(
                    request, _("Your password has expired. Choose a new one to continue.")
                )
                return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
