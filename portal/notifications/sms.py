"""SMS through the province's HTTP SMS gateway (D10).

The gateway takes ``POST {SMS_GATEWAY_URL}/messages`` with JSON ``{"to": "+84…", "text": "…",
"sender": SMS_SENDER}`` and ``Authorization: Bearer SMS_GATEWAY_TOKEN``; it answers ``2xx`` with
``{"id": "…"}``. Without ``SMS_GATEWAY_URL`` the channel is off (an embedded demo has no
gateway); callers then get ``None`` and log that nothing was sent. Errors raise
:class:`SmsError` so that a Celery task can retry.
"""

from __future__ import annotations

import logging
import re

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

#: Vietnamese SMS gateways bill per 160 GSM-7 characters; messages are sent without diacritics.
MAX_LENGTH = 459


class SmsError(Exception):
    """The gateway refused the message or could not be reached."""


def international(phone: str) -> str | None:
    """``0912345678`` → ``+84912345678``; ``None`` for something that is not a phone number."""
    digits = re.sub(r"[\s.\-]", "", phone or "")
    if re.fullmatch(r"\+84\d{9,10}", digits):
        return digits
    if re.fullmatch(r"0\d{9,10}", digits):
        return "+84" + digits[1:]
    return None


def send_sms(phone: str, text: str) -> str | None:
    """Send ``text`` to ``phone``; the gateway's message id, or ``None`` when SMS is off or the
    number is not a phone number."""
    base = getattr(settings, "SMS_GATEWAY_URL", "")
    to = international(phone)
    if not base or to is None:
        logger.info("SMS not sent (gateway %s, number %r)", "off" if not base else "on", phone)
        return None
    try:
        response = requests.post(
            f"{base.rstrip('/')}/messages",
            json={"to": to, "text": text[:MAX_LENGTH],
                  "sender": getattr(settings, "SMS_SENDER", "DICHVUCONG")},
            headers={"Authorization": f"Bearer {getattr(settings, 'SMS_GATEWAY_TOKEN', '')}"},
            timeout=10,
        )
    except requests.RequestException as error:
        raise SmsError(str(error)) from error
    if not response.ok:
        raise SmsError(f"gateway answered {response.status_code}: {response.text[:200]}")
    return str(response.json().get("id", ""))
