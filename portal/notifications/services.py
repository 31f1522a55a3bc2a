"""The notification service (D10): one call, three channels, a delivery log.

:func:`notify` writes an in-app :class:`~.models.Message` and one :class:`~.models.Delivery` row
per channel in the caller's transaction; after commit the worker sends each e-mail or SMS
(:func:`send_delivery`). A delivery is claimed with a short lease before it is sent and marked
sent right after, so a delivery already sent is never sent again, two workers never send the
same row at once, and one whose worker died halfway is retried once its lease has run out
(at-least-once: only a crash between the provider's answer and the commit can repeat it).
Failures are recorded (``attempts``, ``last_error``) and retried with exponential backoff by the
``notifications.send_due`` sweep; a failing channel never raises into the caller, so it never
blocks a dossier transition.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, Message
from .sms import international, send_sms

if TYPE_CHECKING:
    from portal.accounts.models import User

logger = logging.getLogger(__name__)

#: Attempts before a delivery is given up (backoff 30 s, 1, 2, 4 … minutes, at most 1 hour).
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
#: How long a worker holds a delivery while sending it (longer than the SMTP/HTTP timeouts).
LEASE = timedelta(minutes=5)


def notify(*, kind: str, subject: str, body: str, user: User | None = None, email: str = "",
           phone: str = "", sms: str | None = None, link: str = "", dedupe_key: str = "",
           in_app: bool = True) -> None:
    """Queue a message: an in-app message for `user` (if given and in_app), an e-mail to `email`
    (or user.email), an SMS (`sms` text, default subject) to `phone`. Writes rows in the caller's
    transaction and sends from the worker after commit, with retries and a delivery log; a
    failed channel never raises here. Same non-empty `dedupe_key` twice → the second is a no-op."""
    subject = subject[:255]
    if dedupe_key and Delivery.objects.filter(dedupe_key=dedupe_key).exists():
        return
    email = email or (getattr(user, "email", "") or "")
    now = timezone.now()
    common = {"kind": kind[:64], "recipient": user, "dedupe_key": dedupe_key[:200]}
    to_send: list[int] = []
    try:
        with transaction.atomic():
            if user is not None and in_app:
                message = Message.objects.create(user=user, kind=kind[:64], subject=subject,
                                                 body=body, link=link[:500])
                forget_unread(int(user.pk))
                Delivery.objects.create(
                    message=message, channel=Delivery.Channel.IN_APP, address=str(user.pk),
                    subject=subject, body=body, status=Delivery.Status.SENT, attempts=1,
                    sent_at=now, **common)
            full_link = absolute_url(link)
            if email:
                text = f"{body}\n\n{full_link}\n" if full_link and full_link not in body else body
                to_send.append(Delivery.objects.create(
                    channel=Delivery.Channel.EMAIL, address=email[:254], subject=subject,
                    body=text, next_attempt_at=now, **common).pk)
            if phone:
                text = fold_diacritics(sms if sms is not None else subject)
                to_send.append(Delivery.objects.create(
                    channel=Delivery.Channel.SMS, address=phone[:254], subject=subject,
                    body=text, next_attempt_at=now, **common).pk)
    except IntegrityError:
        if not dedupe_key:
            raise
        return  # the same key was written meanwhile by another transaction
    if to_send:
        transaction.on_commit(lambda: _dispatch(to_send), robust=True)


def _dispatch(ids: list[int]) -> None:
    from .tasks import send_delivery

    for pk in ids:
        try:
            send_delivery.delay(pk)
        except Exception:
            logger.exception("delivery %s not queued; the sweep will send it", pk)


def absolute_url(link: str) -> str:
    """``/tra-cuu/?ma=…`` → ``https://<portal>/tra-cuu/?ma=…`` for e-mail and SMS."""
    if not link or not link.startswith("/"):
        return link
    base = getattr(settings, "PORTAL_BASE_URL", "")
    if not base:
        from portal.agencies.models import Province

        base = f"https://{Province.current().domain}"
    return base.rstrip("/") + link


def fold_diacritics(text: str) -> str:
    """Vietnamese without diacritics, keeping case (SMS gateways bill GSM-7 characters)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0),
                                 BACKOFF_MAX_SECONDS))


def _claim(pk: int, now: datetime) -> Delivery | None:
    """Take the lease on a due, unsent delivery; ``None`` if it is sent, not due or held."""
    claimed = Delivery.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now),
        pk=pk, next_attempt_at__lte=now,
        channel__in=[Delivery.Channel.EMAIL, Delivery.Channel.SMS],
    ).exclude(status=Delivery.Status.SENT).update(locked_until=now + LEASE)
    return Delivery.objects.filter(pk=pk).first() if claimed else None


class PermanentError(Exception):
    """Retrying cannot help (no gateway configured, not a phone number)."""


def _send(delivery: Delivery) -> str:
    if delivery.channel == Delivery.Channel.EMAIL:
        send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL,
                  [delivery.address])
        return ""
    if not getattr(settings, "SMS_GATEWAY_URL", ""):
        raise PermanentError("SMS gateway not configured (SMS_GATEWAY_URL)")
    if international(delivery.address) is None:
        raise PermanentError(f"not a phone number: {delivery.address!r}")
    return send_sms(delivery.address, delivery.body) or ""


def send_delivery(pk: int) -> str:
    """Send one delivery if it is due and unsent; returns its status afterwards (or ``skipped``).
    Never raises for a channel failure: the failure is recorded and retried later."""
    now = timezone.now()
    delivery = _claim(pk, now)
    if delivery is None:
        return "skipped"
    attempts = delivery.attempts + 1
    try:
        provider_id = _send(delivery)
    except Exception as error:
        permanent = isinstance(error, PermanentError) or attempts >= MAX_ATTEMPTS
        logger.warning("delivery %s (%s) failed: %s", pk, delivery.channel, error)
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.FAILED, attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000], locked_until=None,
            next_attempt_at=None if permanent else timezone.now() + backoff(attempts))
        return Delivery.Status.FAILED
    Delivery.objects.filter(pk=pk).update(
        status=Delivery.Status.SENT, attempts=attempts, sent_at=timezone.now(),
        provider_id=provider_id[:100], locked_until=None, next_attempt_at=None)
    return Delivery.Status.SENT


def due_deliveries(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Unsent deliveries whose (next) attempt is due: never dispatched, or failed and backed off."""
    now = now or timezone.now()
    return list(Delivery.objects.filter(next_attempt_at__lte=now)
                .exclude(status=Delivery.Status.SENT)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


UNREAD_CACHE_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"inbox:unread:{user_id}"


def unread_count(user: User) -> int:
    """The unread count in the top bar of every page: cached per user (no query on most
    pages), forgotten whenever a message arrives or is read."""
    key = _unread_key(int(user.pk))
    count = cache.get(key)
    if count is None:
        count = Message.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def forget_unread(user_id: int) -> None:
    """Drop the cached unread count now and again after the current transaction commits."""
    key = _unread_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
