"""In-app messages and the delivery log of every notification (D10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A message in a user's in-app inbox (/thong-bao/)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="inbox_messages", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-app message")
        verbose_name_plural = _("in-app messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], name="message_unread_idx",
                         condition=models.Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One message on one channel to one address: what was sent, when, and what went wrong.

    Rows are written in the caller's transaction by :func:`portal.notifications.services.notify`
    and sent by the worker after commit; a non-empty ``dedupe_key`` is unique per channel.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        IN_APP = "in_app", _("in-app")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="deliveries", verbose_name=_("in-app message"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(
        _("being sent until"), null=True, blank=True,
        help_text=_("A worker claimed the delivery until then; after it, another may retry."))
    provider_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedupe_key"],
                                    condition=~models.Q(dedupe_key=""),
                                    name="delivery_dedupe_unique"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="delivery_retry_idx",
                         condition=models.Q(next_attempt_at__isnull=False)),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address or self.recipient_id}: {self.subject}"


class InboundSms(models.Model):
    """An SMS received from the gateway (TN 12.6.c), kept once per gateway message id."""

    gateway_id = models.CharField(_("gateway message id"), max_length=100, unique=True)
    sender = models.CharField(_("from"), max_length=20)
    text = models.CharField(_("text"), max_length=500)
    reply = models.CharField(_("reply"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("incoming SMS")
        verbose_name_plural = _("incoming SMS")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text}"
