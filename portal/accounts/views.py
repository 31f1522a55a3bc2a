"""Sign-in, sign-out, password change and the role-appropriate home page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from portal.net import client_ip
from portal.ratelimit import hit

from . import selectors
from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not hit("login", client_ip(request) or "", settings.LOGIN_RATE_PER_MINUTE):
            return render(
                request,
                "accounts/locked_out.html",
                {"reason": _("Too many sign-in attempts from your address. Wait a minute.")},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page of a signed-in person, by what they may do (citizen / officer / admin)."""
    context = selectors.dashboard_for(request.user)  # type: ignore[arg-type]
    return render(request, context.template, {"dash": context})
