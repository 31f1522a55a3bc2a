"""Messages to the sender of a feedback item and survey invitations, through the portal's
``notify()`` (in-app, e-mail, SMS after commit with retries). Until that service exists in the
tree, e-mail is sent directly after commit."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def send(*, kind: str, subject: str, body: str, user: Any = None, email: str = "",
         phone: str = "", sms: str | None = None, link: str = "", dedupe_key: str = "") -> None:
    """Queue one message in the caller's transaction; never raises for a failed channel."""
    notify: Any = None
    try:
        from portal.notifications import services as notify_services
    except ImportError:
        notify_services = None  # type: ignore[assignment]
    notify = getattr(notify_services, "notify", None)
    if notify is not None:
        notify(kind=kind, subject=subject, body=body, user=user, email=email, phone=phone,
               sms=sms, link=link, dedupe_key=dedupe_key)
        return
    address = email or (getattr(user, "email", "") if user is not None else "")
    if not address:
        return
    text = f"{body}\n\n{link}" if link else body

    def _mail() -> None:
        try:
            send_mail(subject, text, None, [address])
        except Exception:  # a failed channel never breaks the caller
            log.exception("feedback e-mail to %s failed", address)

    transaction.on_commit(_mail)
