"""The client's address, as seen through the deployment's reverse proxies.

``TRUSTED_PROXY_COUNT`` says how many proxies in front of Django append to ``X-Forwarded-For``;
the client is the address that many entries from the right. With 0 (the embedded default) the
header is ignored, since a client could forge it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR") or None
