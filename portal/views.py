"""Public pages of the portal that belong to no single app."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for the load balancer and compose healthchecks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
