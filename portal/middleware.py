"""Cross-cutting middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PortalLanguageMiddleware:
    """Vietnamese unless the person picked another language on the portal.

    A browser's ``Accept-Language`` is ignored: an English-language browser on a clerk's PC must
    not turn the portal English. The choice made with the language switcher (a cookie) wins.
    Place before ``LocaleMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
