"""Dossier states and their national status codes (LEGAL-NOTES §1) — the one mapping table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("not submitted yet")
    SUBMITTED = "submitted", _("submitted, awaiting intake")
    INCOMPLETE = "incomplete", _("asked to complete")
    REFUSED = "refused", _("refused at intake")
    RECEIVED = "received", _("received officially")
    PROCESSING = "processing", _("being processed")
    WAITING_SUPPLEMENT = "waiting_supplement", _("waiting for a supplement")
    WAITING_PAYMENT = "waiting_payment", _("waiting for payment")
    WITHDRAWN = "withdrawn", _("withdrawn by the applicant")
    STOPPED = "stopped", _("processing stopped")
    SETTLED = "settled", _("settled, result ready")
    RETURNED = "returned", _("result returned")


#: Internal state → status code at the National Public Service Portal (``TrangThaiHoSo``).
#: A draft is not known to the portal.
NATIONAL_STATUS: dict[str, int | None] = {
    State.DRAFT: None,
    State.SUBMITTED: 1,  # Mới đăng ký
    State.INCOMPLETE: 5,  # Yêu cầu bổ sung giấy tờ (at intake)
    State.REFUSED: 3,  # Không được tiếp nhận
    State.RECEIVED: 2,  # Được tiếp nhận
    State.PROCESSING: 4,  # Đang xử lý
    State.WAITING_SUPPLEMENT: 5,  # Yêu cầu bổ sung giấy tờ (during processing)
    State.WAITING_PAYMENT: 6,  # Yêu cầu thực hiện nghĩa vụ tài chính
    State.WITHDRAWN: 7,  # Công dân yêu cầu rút hồ sơ
    State.STOPPED: 8,  # Dừng xử lý
    State.SETTLED: 9,  # Đã xử lý xong
    State.RETURNED: 10,  # Đã trả kết quả
}

#: States in which the legal clock is stopped: the dossier waits for the citizen (W4).
CLOCK_STOPPED = frozenset({State.INCOMPLETE, State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT})
#: States after which nothing more happens.
FINAL = frozenset({State.REFUSED, State.WITHDRAWN, State.STOPPED, State.RETURNED})
#: States of the intake queue.
AWAITING_INTAKE = frozenset({State.SUBMITTED})


class Actor(models.TextChoices):
    """Who may trigger a transition: kept apart and enforced by the services."""

    CITIZEN = "citizen", _("applicant")
    OFFICER = "officer", _("officer")
    SYSTEM = "system", _("system")


class Channel(models.TextChoices):
    ONLINE = "online", _("online on this portal")
    COUNTER = "counter", _("at the counter")
    POSTAL = "postal", _("by post")
    DVCQG = "dvcqg", _("National Public Service Portal")


class Delivery(models.TextChoices):
    ONLINE = "online", _("online")
    COUNTER = "counter", _("at the counter")
    POST = "post", _("by post")
