"""Incoming SMS (TN 12.6.c: the system answers automatically by SMS).

The gateway posts each message sent to the province's short number to ``/api/v1/sms/inbound/``
(``api.py``) and ``handle`` answers it through the gateway. Each gateway message id is handled
once (a retried webhook gets the same answer and no second SMS), and each phone number may send
``SMS_LOOKUP_RATE_PER_HOUR`` messages an hour.

What a message means belongs to the business apps, which register a handler from their
``AppConfig.ready`` (the dossier look-up ``HS <code>`` is ``dossiers/sms_lookup.py``)::

    from portal.notifications import inbound

    inbound.register("HS", answer_for, usage="De tra cuu ho so, soan: HS <ma ho so>")

The first argument is a keyword (the first word of the text, case-insensitive) or a matcher
``matcher(text) -> bool``; registering the same keyword or matcher again replaces it. Entries are
tried in registration order and the first match answers: ``handler(text)`` returns
``(outcome, reply)``, an ``Outcome`` and the reply sent back (plain ASCII, an empty reply sends no
SMS). A text no entry claims gets ``Sai cu phap.`` followed by every entry's usage hint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from portal import ratelimit

from .models import InboundSms
from .services import notify
from .sms import international

RATE_SCOPE = "sms-lookup"
SYNTAX_ERROR = "Sai cu phap."

Handler = Callable[[str], tuple[str, str]]
Matcher = Callable[[str], bool]


class Outcome:
    FOUND = "found"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Entry:
    matcher: str | Matcher
    handler: Handler
    usage: str = ""

    def matches(self, text: str) -> bool:
        if isinstance(self.matcher, str):
            words = text.split(maxsplit=1)
            return bool(words) and words[0].casefold() == self.matcher.casefold()
        return self.matcher(text)


_ENTRIES: dict[object, Entry] = {}


def register(matcher: str | Matcher, handler: Handler, *, usage: str = "") -> None:
    """Answer the texts ``matcher`` claims with ``handler``. Call it from ``AppConfig.ready``."""
    key = matcher.casefold() if isinstance(matcher, str) else matcher
    _ENTRIES[key] = Entry(matcher, handler, usage)


def entries() -> list[Entry]:
    return list(_ENTRIES.values())


def invalid(*usages: str) -> tuple[str, str]:
    """``(INVALID, "Sai cu phap. <usage> …")``: a handler's answer to a malformed command."""
    return Outcome.INVALID, " ".join([SYNTAX_ERROR, *(u for u in usages if u)])


def answer_for(text: str) -> tuple[str, str]:
    """(outcome, reply) for the text of an incoming SMS, from the first entry that claims it."""
    text = text or ""
    registered = entries()
    for entry in registered:
        if entry.matches(text):
            return entry.handler(text)
    if not registered:
        return Outcome.INVALID, ""
    return invalid(*(entry.usage for entry in registered))


@dataclass(frozen=True)
class Answer:
    outcome: str
    reply: str
    duplicate: bool = False


def handle(gateway_id: str, sender: str, text: str) -> Answer:
    """Answer one incoming SMS once: the reply goes out through the delivery log."""
    previous = InboundSms.objects.filter(gateway_id=gateway_id).first()
    if previous is not None:
        return Answer(previous.outcome, previous.reply, duplicate=True)
    phone = international(sender) or sender
    limit = getattr(settings, "SMS_LOOKUP_RATE_PER_HOUR", 10)
    if not ratelimit.hit(RATE_SCOPE, phone, limit, 3600):
        outcome, reply = Outcome.RATE_LIMITED, ""
    else:
        outcome, reply = answer_for(text)
    try:
        with transaction.atomic():
            InboundSms.objects.create(gateway_id=gateway_id, sender=phone[:20], text=text[:500],
                                      reply=reply, outcome=outcome)
            if reply:
                notify(kind="sms_lookup", subject=reply[:255], body=reply, phone=phone,
                       sms=reply, in_app=False, dedupe_key=f"sms_reply:{gateway_id}")
    except IntegrityError:  # the same message id arrived twice at once
        previous = InboundSms.objects.get(gateway_id=gateway_id)
        return Answer(previous.outcome, previous.reply, duplicate=True)
    return Answer(outcome, reply)
