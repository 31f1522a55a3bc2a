"""Operations data (O1-O3): backup runs, the province's operations settings, maintenance notices,
support requests from agencies and the worker's heartbeat."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BackupRun(models.Model):
    """One run of ``manage.py backup`` (daily by beat, or by hand), shown to operators (O1)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.RUNNING)
    engine = models.CharField(_("database engine"), max_length=32, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    path = models.CharField(_("folder"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    trigger = models.CharField(_("started by"), max_length=32, default="manual")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class NoticeUnit(models.TextChoices):
    WORKING_HOURS = "hours", _("working hours")
    WORKING_DAYS = "days", _("working days")


class OpsSettings(models.Model):
    """Operations settings of the deployment (one row): how long before a maintenance window or
    an upgrade agencies must be told (Tiền Giang Decision 01/2025 Art. 9.2: 8 working hours;
    Thái Nguyên Decision 47/2025 Art. 9.3: 2 working days for maintenance, Art. 10.4: 5 working
    days for upgrades) and how fast a support request is answered (Tiền Giang Art. 9.1: 2
    working hours)."""

    maintenance_notice = models.PositiveSmallIntegerField(_("minimum notice for maintenance"),
                                                          default=2)
    maintenance_notice_unit = models.CharField(_("unit"), max_length=8,
                                               choices=NoticeUnit.choices,
                                               default=NoticeUnit.WORKING_DAYS)
    upgrade_notice = models.PositiveSmallIntegerField(_("minimum notice for an upgrade"),
                                                      default=5)
    upgrade_notice_unit = models.CharField(_("unit"), max_length=8, choices=NoticeUnit.choices,
                                           default=NoticeUnit.WORKING_DAYS)
    other_notice = models.PositiveSmallIntegerField(_("minimum notice for other work"),
                                                    default=8)
    other_notice_unit = models.CharField(_("unit"), max_length=8, choices=NoticeUnit.choices,
                                         default=NoticeUnit.WORKING_HOURS)
    support_response_working_hours = models.PositiveSmallIntegerField(
        _("support response time (working hours)"), default=2)

    class Meta:
        verbose_name = _("operations settings")
        verbose_name_plural = _("operations settings")

    def __str__(self) -> str:
        return str(_("Operations settings"))

    @classmethod
    def current(cls) -> OpsSettings:
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls.objects.create()


class MaintenanceNotice(models.Model):
    """A planned interruption announced to every user by a banner (O2), from its publication
    until the window is over."""

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("Maintenance")
        UPGRADE = "upgrade", _("Upgrade")
        OTHER = "other", _("Other work")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices,
                            default=Kind.MAINTENANCE)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    message = models.TextField(_("message"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["ends_at"])]
        verbose_name = _("maintenance notice")
        verbose_name_plural = _("maintenance notices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class SupportRequest(models.Model):
    """A request for technical support from an agency's staff (Tiền Giang Decision 01/2025
    Art. 9.1: handled within 2 working hours of its receipt)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="support_requests", verbose_name=_("requester"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"])]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self) -> str:
        return self.subject

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Answered late, or still unanswered after its due instant."""
        at = self.answered_at or now or timezone.now()
        return at > self.due_at


class Heartbeat(models.Model):
    """The last time a worker ran ``ops.heartbeat`` (beat, every minute): /healthz reads it."""

    name = models.CharField(max_length=32, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
