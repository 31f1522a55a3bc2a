"""Public pages of the portal that belong to no single app."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.static import serve

from portal.agencies.models import Agency


def home(request: HttpRequest) -> HttpResponse:
    """The public landing page: what the portal offers and how to reach the counters."""
    agencies = (
        Agency.objects.active()
        .select_related("level")
        .exclude(counter_name="")
        .order_by("level__rank", "name")[:12]
    )
    return render(request, "home.html", {"agencies": agencies})


def admin_login(request: HttpRequest) -> HttpResponse:
    """Django admin signs in through the portal's own form: one rate limit, lock-out and audit
    for every sign-in (O4)."""
    target = reverse("accounts:login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)


#: Media folders holding personal data: served only through permission-checked views.
PRIVATE_MEDIA_PREFIXES = ("dossiers/", "eforms/", "imports/")


def public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Development server for public media (e.g. decision files); private folders answer 404."""
    if path.lstrip("/").startswith(PRIVATE_MEDIA_PREFIXES) or ".." in path:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def healthz(request: HttpRequest) -> JsonResponse:
    """Health for the load balancer, compose healthchecks and monitoring (O3): database, Redis
    (when configured), worker heartbeat, last backup age. 200 when the required parts answer
    ("ok" or "degraded"), 503 when the database or Redis is down."""
    from portal.ops.health import check

    status, body = check()
    return JsonResponse(body, status=status)
