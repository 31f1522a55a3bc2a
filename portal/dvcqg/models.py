"""Sync with the National Public Service Portal (I1, I2): the transactional outbox, the log of
outbound calls, the ministries' systems allowed to push dossiers, and the log of inbound packets.

LEGAL-NOTES §6: the portal must learn every status change of a dossier (``DongBoHoSoMC``) and
every step of its processing (``CapNhatTienDoHoSoMC``). Each such event becomes an
:class:`OutboxEvent` written in the transaction of the transition itself, numbered per dossier;
the worker (``portal.dvcqg.outbox``) delivers them in that order.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """Services of the national portal (LEGAL-NOTES §6)."""

    SYNC_DOSSIER = "DongBoHoSoMC", "DongBoHoSoMC"
    PROGRESS = "CapNhatTienDoHoSoMC", "CapNhatTienDoHoSoMC"
    LOOKUP = "TraCuuHoSo", "TraCuuHoSo"
    PROCEDURE = "LayThuTuc", "LayThuTuc"
    PROCEDURE_LIST = "LayDanhSachTTHC", "LayDanhSachTTHC"
    #: Listing dossiers submitted on the portal itself: the name is inferred (not confirmed by
    #: LEGAL-NOTES §6) and configurable through ``DVCQG_FETCH_SERVICE``.
    FETCH_DOSSIERS = "LayDanhSachHoSo", "LayDanhSachHoSo"
    LOGIN = "login", "login"


class OutboxEvent(models.Model):
    """One event the national portal must receive, delivered at least once and, thanks to the
    idempotency key the portal de-duplicates on, applied there exactly once (ADR 0007)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        FAILED = "failed", _("failed, will retry")
        DEAD = "dead", _("dead letter")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")

    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True,
                           editable=False)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE,
                                related_name="outbox_events", verbose_name=_("dossier"))
    dossier_code = models.CharField(_("dossier code"), max_length=40)
    sequence = models.PositiveIntegerField(_("sequence"))
    event = models.ForeignKey("dossiers.DossierEvent", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("dossier event"))
    service = models.CharField(_("service"), max_length=40, choices=Service)
    national_status = models.PositiveSmallIntegerField(_("national status"), null=True,
                                                       blank=True)
    payload = models.JSONField(_("record"))
    created_at = models.DateTimeField(_("created"), db_index=True)
    status = models.CharField(_("status"), max_length=14, choices=Status,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "sequence"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"],
                                    name="outbox_sequence_per_dossier"),
        ]
        indexes = [
            # The worker's scan: rows still to deliver, by due time (partial: stays small).
            models.Index(fields=["next_attempt_at", "id"], name="outbox_due_idx",
                         condition=~models.Q(status="acknowledged")),
            # Head-of-line check per dossier: an earlier undelivered row blocks later ones.
            models.Index(fields=["dossier", "sequence"], name="outbox_open_seq_idx",
                         condition=~models.Q(status="acknowledged")),
            models.Index(fields=["status", "created_at"], name="outbox_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code} #{self.sequence} {self.service}"


class CallLog(models.Model):
    """Every outbound call to the national portal (I1): what, for which dossier, the answer."""

    at = models.DateTimeField(_("time"), db_index=True)
    service = models.CharField(_("service"), max_length=40)
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True,
                                    db_index=True)
    outbox = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="calls", verbose_name=_("outbox event"))
    request_digest = models.CharField(_("request SHA-256"), max_length=64)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error_code = models.IntegerField(_("error code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    ok = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("call to the national portal")
        verbose_name_plural = _("calls to the national portal")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.service} {self.dossier_code}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MinistrySystem(models.Model):
    """A ministry's specialised software allowed to create dossiers and push their status
    changes for the procedures it handles (I2). Only the token's SHA-256 is stored."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    token_hash = models.CharField(_("token SHA-256"), max_length=64, unique=True,
                                  editable=False)
    token_prefix = models.CharField(_("token begins with"), max_length=8, editable=False)
    procedures = models.ManyToManyField("procedures.Procedure", related_name="+", blank=True,
                                        verbose_name=_("procedures it handles"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ministry system")
        verbose_name_plural = _("ministry systems")

    def __str__(self) -> str:
        return self.name

    def set_new_token(self) -> str:
        """A fresh random token; returns it (shown once), keeps only its hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_prefix = token[:8]
        return token


class InboundLog(models.Model):
    """Every packet pushed to us by the national portal or a ministry's system, accepted or
    refused with its field errors (I2)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    source = models.CharField(_("source"), max_length=60)
    endpoint = models.CharField(_("endpoint"), max_length=200)
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    status_code = models.PositiveSmallIntegerField(_("answer"))
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    body_digest = models.CharField(_("body SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("inbound packet")
        verbose_name_plural = _("inbound packets")

    def __str__(self) -> str:
        return f"{self.source} {self.endpoint} {self.status_code}"
