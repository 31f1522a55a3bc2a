"""Feedback rules (K1-K3): receipt on every channel, the deadline, the transitions under row
locks with their guards and events, the sender's messages, rating and contest.

Who does what (the roles come from ``portal.accounts.roles``; no new role is needed):

* **Triage at province level** — classify, reject as out of scope, assign and reassign to the
  responsible agency, reopen on the sender's request: operators and supervisors (roles that act
  province-wide: ``OPERATE_SYSTEM`` or province-wide ``VIEW_AGENCY_WORK``), and superusers.
* **Entering items received by e-mail, hotline, post or in person** — any officer with
  ``VIEW_AGENCY_WORK`` in the agency that received it (TH 14.3: within 8 working hours of the
  real received time; later entries are flagged).
* **Answering and asking other agencies to coordinate** — one-stop and processing officers of the
  responsible agency (``RECEIVE_DOSSIERS`` or ``PROCESS_DOSSIERS`` there) and its leaders.
* **Publishing or closing an answer** — the responsible agency's leaders (``APPROVE_RESULTS``).

Deadline: ``Province.feedback_deadline_working_days`` working days from the real receipt through
the calendar (13 in Thanh Hóa, TH 14.4; 10 in Thái Nguyên, TN 15.2); reassignment and reopening
keep it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from portal.accounts.permissions import has_perm, is_province_wide
from portal.accounts.roles import Perm
from portal.agencies.models import Agency, Province
from portal.calendar.services import get_calendar
from portal.text import fold
from procedures.eforms.attachments import CONTENT_TYPES, EXTENSIONS, check_upload

from . import notifications
from .models import (
    STAFF_CHANNELS,
    Category,
    Channel,
    Feedback,
    FeedbackAttachment,
    FeedbackEvent,
    FeedbackSource,
    State,
)

#: TH 14.3: items received outside the portal must be entered within 8 working hours.
ENTRY_WORKING_HOURS = 8
ATTACHMENT_KINDS = ["pdf", "jpg", "png"]
ATTACHMENT_MAX_MB = 10.0
MAX_ATTACHMENTS = 3


class FeedbackError(Exception):
    """A refused action; the message is for the person who asked."""


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- who may do what -------------------------------------------------------------------------


def can_triage(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and (
        is_province_wide(user, Perm.OPERATE_SYSTEM)
        or is_province_wide(user, Perm.VIEW_AGENCY_WORK)))


def can_answer(user: Any, item: Feedback) -> bool:
    return item.agency_id is not None and (
        has_perm(user, Perm.RECEIVE_DOSSIERS, item.agency_id)
        or has_perm(user, Perm.PROCESS_DOSSIERS, item.agency_id))


def can_publish(user: Any, item: Feedback) -> bool:
    return item.agency_id is not None and has_perm(user, Perm.APPROVE_RESULTS, item.agency_id)


def can_enter(user: Any, agency: Agency | int) -> bool:
    return has_perm(user, Perm.VIEW_AGENCY_WORK, agency)


# -- deadline --------------------------------------------------------------------------------


def due_for(received_at: datetime) -> datetime:
    """The answer is due ``feedback_deadline_working_days`` working days after receipt."""
    days = Province.current().feedback_deadline_working_days
    return get_calendar().add_working_days(received_at, days)


def entered_late(received_at: datetime, entered_at: datetime) -> bool:
    """TH 14.3: entered more than 8 working hours after it was received."""
    return entered_at > get_calendar().add_working_hours(received_at, ENTRY_WORKING_HOURS)


# -- receipt ---------------------------------------------------------------------------------


def _new_code(now: datetime) -> str:
    return f"PA-{timezone.localtime(now):%y%m%d}-{secrets.token_hex(3).upper()}"


def _search_text(item: Feedback) -> str:
    return fold(" ".join([item.title, item.content, item.answer]))


def _actor_name(user: Any) -> str:
    if user is None or not getattr(user, "pk", None):
        return _("system")
    return user.get_full_name() if hasattr(user, "get_full_name") else str(user)


def _event(item: Feedback, name: str, *, user: Any, now: datetime, from_state: str = "",
           reason: str = "", data: dict[str, Any] | None = None) -> FeedbackEvent:
    return FeedbackEvent.objects.create(
        feedback=item, at=now, actor=user if getattr(user, "pk", None) else None,
        actor_name=_actor_name(user), transition=name, from_state=from_state,
        to_state=item.state, reason=reason, data=data or {})


Checked = list[tuple[UploadedFile, str, str]]


def check_attachments(files: Sequence[UploadedFile]) -> Checked:
    """Each file checked like a dossier upload (type by content, size, malware test): the
    upload, its real kind and its original name."""
    if len(files) > MAX_ATTACHMENTS:
        raise FeedbackError(_("At most %(n)d files can be attached.") % {"n": MAX_ATTACHMENTS})
    return [(f, check_upload(f, accept=ATTACHMENT_KINDS, max_size_mb=ATTACHMENT_MAX_MB,
                             label=f.name or _("attachment")), f.name or "") for f in files]


def _create(*, channel: str, received_at: datetime, now: datetime, user: Any,
            files: Checked | None = None, **fields: Any) -> Feedback:
    item = Feedback(channel=channel, received_at=received_at, entered_at=now,
                    due_at=due_for(received_at), late_entry=entered_late(received_at, now),
                    **fields)
    item.search_text = _search_text(item)
    for _attempt in range(5):
        item.code = _new_code(received_at)
        try:
            with transaction.atomic():
                item.save()
            break
        except IntegrityError:
            if Feedback.objects.filter(code=item.code).exists():
                continue
            raise
    for upload, kind, original in files or []:
        upload.name = f"file{EXTENSIONS[kind]}"
        FeedbackAttachment.objects.create(
            feedback=item, file=upload, original_name=original[:255],
            content_type=CONTENT_TYPES[kind], size=upload.size or 0)
    _event(item, "receive", user=user, now=now,
           data={"channel": channel, "late_entry": item.late_entry})
    _tell_sender(item, "feedback_received",
                 _("Your feedback %(code)s has been received") % {"code": item.code},
                 _("We received your feedback “%(title)s” on %(at)s. An answer is due by "
                   "%(due)s.") % {"title": item.title, "at": local_text(item.received_at),
                                  "due": local_text(item.due_at)})
    return item


def local_text(dt: datetime | None) -> str:
    return timezone.localtime(dt).strftime("%H:%M %d/%m/%Y") if dt else ""


def submit_online(*, user: Any = None, sender_name: str, title: str, content: str,
                  sender_phone: str = "", sender_email: str = "", sender_address: str = "",
                  sender_id_number: str = "", procedure: Any = None,
                  files: Sequence[UploadedFile] = ()) -> Feedback:
    """K1: sent on the portal's page by a signed-in or anonymous sender (with a contact)."""
    if not (sender_phone or sender_email or (user is not None and user.is_authenticated)):
        raise FeedbackError(_("Give a phone number or an e-mail address to get the answer."))
    checked = check_attachments(files)
    now = timezone.now()
    with transaction.atomic():
        return _create(channel=Channel.PORTAL, received_at=now, now=now,
                       user=user if user is not None and user.is_authenticated else None,
                       files=checked,
                       sender=user if user is not None and user.is_authenticated else None,
                       sender_name=sender_name, sender_phone=sender_phone,
                       sender_email=sender_email, sender_address=sender_address,
                       sender_id_number=sender_id_number, title=title, content=content,
                       procedure=procedure)


def enter_by_staff(*, by: Any, agency: Agency, channel: str, received_at: datetime,
                   sender_name: str, title: str, content: str, sender_phone: str = "",
                   sender_email: str = "", sender_address: str = "",
                   sender_id_number: str = "", files: Sequence[UploadedFile] = ()) -> Feedback:
    """K1, TH 14.3: an item received by e-mail, hotline, post or in person, with its REAL
    received time; entered more than 8 working hours later it is flagged."""
    if channel not in STAFF_CHANNELS:
        raise FeedbackError(_("Choose how the feedback was received."))
    if not can_enter(by, agency):
        raise FeedbackError(_("You cannot enter feedback for this agency."))
    now = timezone.now()
    if received_at > now:
        raise FeedbackError(_("The received time cannot be in the future."))
    checked = check_attachments(files)
    with transaction.atomic():
        return _create(channel=channel, received_at=received_at, now=now, user=by,
                       files=checked, entered_by=by, intake_agency=agency,
                       sender_name=sender_name, sender_phone=sender_phone,
                       sender_email=sender_email, sender_address=sender_address,
                       sender_id_number=sender_id_number, title=title, content=content)


def source_for_token(token: str) -> FeedbackSource | None:
    if not token:
        return None
    return FeedbackSource.objects.filter(token_sha256=sha256(token), is_active=True).first()


def new_source(name: str) -> tuple[FeedbackSource, str]:
    """A connected system and its token (shown once)."""
    token = secrets.token_urlsafe(32)
    return FeedbackSource.objects.create(name=name, token_sha256=sha256(token)), token


def receive_from_system(source: FeedbackSource, *, external_id: str, received_at: datetime,
                        sender_name: str, title: str, content: str, sender_phone: str = "",
                        sender_email: str = "", sender_address: str = "",
                        sender_id_number: str = "", agency: Agency | None = None,
                        ) -> tuple[Feedback, bool]:
    """An item pushed by the national portal or a 1022 hotline system; idempotent by the
    system's own id (the same id twice returns the first item)."""
    existing = Feedback.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            item = _create(channel=Channel.API, received_at=min(received_at, now), now=now,
                           user=None, source=source, external_id=external_id,
                           intake_agency=agency, sender_name=sender_name,
                           sender_phone=sender_phone, sender_email=sender_email,
                           sender_address=sender_address, sender_id_number=sender_id_number,
                           title=title, content=content)
    except IntegrityError:  # the same id pushed twice at once
        return Feedback.objects.get(source=source, external_id=external_id), False
    return item, True


# -- transitions -----------------------------------------------------------------------------


def _run(item: Feedback, name: str, *, user: Any, allowed: Callable[[Feedback], bool],
         reason: str = "", data: dict[str, Any] | None = None,
         after: Callable[[Feedback, datetime], None] | None = None,
         transition: str | None = None) -> Feedback:
    """Lock, check, transition, write the event; all or nothing."""
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=item.pk)
        if not allowed(locked):
            raise FeedbackError(_("You have no right to do this for this feedback."))
        now = timezone.now()
        from_state = locked.state
        try:
            getattr(locked, transition or name)()
        except TransitionNotAllowed:
            raise FeedbackError(
                _("This feedback is now “%(state)s”; the action is no longer possible.")
                % {"state": locked.get_state_display()}) from None
        if after is not None:
            after(locked, now)
        locked.search_text = _search_text(locked)
        locked.save()
        _event(locked, name, user=user, now=now, from_state=from_state, reason=reason,
               data=data)
    item.refresh_from_db()
    return locked


def classify(item: Feedback, *, by: Any, category: str, procedure: Any = None,
             dossier: Any = None) -> Feedback:
    if category not in Category.values or category == Category.OUT_OF_SCOPE:
        raise FeedbackError(_("Out-of-scope feedback is rejected with a reason."))

    def after(f: Feedback, now: datetime) -> None:
        f.category = category
        f.procedure = procedure or (dossier.procedure if dossier is not None else None)
        f.dossier = dossier

    return _run(item, "classify", user=by, allowed=lambda f: can_triage(by), after=after,
                data={"category": category})


def reject(item: Feedback, *, by: Any, reason: str) -> Feedback:
    if not reason.strip():
        raise FeedbackError(_("Give the reason for the sender."))

    def after(f: Feedback, now: datetime) -> None:
        f.category = Category.OUT_OF_SCOPE
        f.reject_reason = reason
        f.closed_at = now
        _tell_sender(f, "feedback_rejected",
                     _("Your feedback %(code)s is out of scope") % {"code": f.code},
                     _("Your feedback “%(title)s” is not about administrative procedures: "
                       "%(reason)s") % {"title": f.title, "reason": reason})

    return _run(item, "reject", user=by, allowed=lambda f: can_triage(by), reason=reason,
                after=after)


def assign(item: Feedback, *, by: Any, agency: Agency, note: str = "") -> Feedback:
    """Send to the responsible agency; a second assignment is a reassignment, which keeps the
    original deadline (K2)."""
    name = "reassign" if item.state in (State.ASSIGNED, State.COORDINATING) else "assign"

    def after(f: Feedback, now: datetime) -> None:
        f.agency = agency
        _tell_sender(f, "feedback_assigned",
                     _("Your feedback %(code)s was sent to %(agency)s")
                     % {"code": f.code, "agency": agency.name},
                     _("%(agency)s will answer your feedback “%(title)s” by %(due)s.")
                     % {"agency": agency.name, "title": f.title, "due": local_text(f.due_at)},
                     dedupe=f"feedback:{f.pk}:assign:{agency.pk}:{now.timestamp()}")

    return _run(item, name, user=by, allowed=lambda f: can_triage(by), reason=note,
                after=after, data={"agency": agency.pk, "from_agency": item.agency_id})


def coordinate(item: Feedback, *, by: Any, agencies: Iterable[Agency], note: str) -> Feedback:
    chosen = [a for a in agencies if a.pk != item.agency_id]
    if not chosen:
        raise FeedbackError(_("Choose at least one other agency."))

    def after(f: Feedback, now: datetime) -> None:
        f.coordinating_agencies.add(*chosen)

    return _run(item, "coordinate", user=by, allowed=lambda f: can_answer(by, f), reason=note,
                after=after, data={"agencies": [a.pk for a in chosen]})


def answer(item: Feedback, *, by: Any, text: str) -> Feedback:
    """The responsible agency answers; the sender gets the answer with a link to rate it or
    contest it."""
    if not text.strip():
        raise FeedbackError(_("Write the answer."))
    token = secrets.token_urlsafe(24)

    def after(f: Feedback, now: datetime) -> None:
        f.answer = text
        f.answered_at = now
        f.first_answered_at = f.first_answered_at or now
        f.rating_token_sha256 = sha256(token)
        f.rating = None
        f.rated_at = None
        _tell_sender(f, "feedback_answered",
                     _("Answer to your feedback %(code)s") % {"code": f.code},
                     _("%(agency)s answered your feedback “%(title)s”:\n\n%(answer)s\n\n"
                       "Rate the answer, or tell us if you disagree, with the link below.")
                     % {"agency": f.agency.name if f.agency else "", "title": f.title,
                        "answer": text},
                     link=notifications.absolute(reverse("feedback:rate", args=[token])),
                     dedupe=f"feedback:{f.pk}:answer:{now.timestamp()}")

    return _run(item, "answer", transition="answer_item", user=by,
                allowed=lambda f: can_answer(by, f), after=after)


def publish(item: Feedback, *, by: Any) -> Feedback:
    def after(f: Feedback, now: datetime) -> None:
        f.published_at = now

    return _run(item, "publish", user=by, allowed=lambda f: can_publish(by, f), after=after)


def close(item: Feedback, *, by: Any, note: str = "") -> Feedback:
    def after(f: Feedback, now: datetime) -> None:
        f.closed_at = now

    return _run(item, "close", user=by, allowed=lambda f: can_publish(by, f), reason=note,
                after=after)


def _reopen_after(f: Feedback, now: datetime) -> None:
    f.published_at = None
    f.closed_at = None
    f.rating_token_sha256 = ""


def reopen(item: Feedback, *, by: Any, reason: str) -> Feedback:
    """Province staff reopen on the sender's request (e.g. by phone)."""
    if not reason.strip():
        raise FeedbackError(_("Say what the sender contests."))
    return _run(item, "reopen", user=by, allowed=lambda f: can_triage(by), reason=reason,
                after=_reopen_after)


# -- the sender's link -----------------------------------------------------------------------


def by_rating_token(token: str) -> Feedback | None:
    if not token:
        return None
    return (Feedback.objects.select_related("agency")
            .filter(rating_token_sha256=sha256(token)).first())


def rate(token: str, rating: int) -> Feedback:
    """The sender rates the answer (1-5); may change it while the link is valid."""
    item = by_rating_token(token)
    if item is None or item.state not in (State.ANSWERED, State.PUBLISHED, State.CLOSED):
        raise FeedbackError(_("This link is no longer valid."))
    if not 1 <= rating <= 5:
        raise FeedbackError(_("Choose from 1 to 5."))
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=item.pk)
        now = timezone.now()
        Feedback.objects.filter(pk=locked.pk).update(rating=rating, rated_at=now)
        locked.rating = rating
        _event(locked, "rate", user=None, now=now, from_state=locked.state,
               data={"rating": rating})
    return locked


def contest(token: str, reason: str) -> Feedback:
    """The sender disagrees with the answer: the item is reopened for the same agency, with
    the original deadline."""
    item = by_rating_token(token)
    if item is None:
        raise FeedbackError(_("This link is no longer valid."))
    if not reason.strip():
        raise FeedbackError(_("Say what you disagree with."))
    return _run(item, "reopen", user=None, allowed=lambda f: True, reason=reason,
                after=_reopen_after, data={"by_sender": True})


# -- messages --------------------------------------------------------------------------------


_SILENT: ContextVar[bool] = ContextVar("feedback_silent", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """No message to senders inside (demo data)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def _tell_sender(item: Feedback, kind: str, subject: str, body: str, *, link: str = "",
                 dedupe: str = "") -> None:
    if _SILENT.get() or not (item.sender_email or item.sender_phone or item.sender_id):
        return
    notifications.send(kind=kind, subject=subject, body=body,
                       user=item.sender if item.sender_id else None,
                       email=item.sender_email, phone=item.sender_phone, sms=subject,
                       link=link, dedupe_key=dedupe or f"feedback:{item.pk}:{kind}")
