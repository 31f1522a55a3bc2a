"""Satisfaction survey per dossier (K4, TH 7.5).

When a dossier's result is returned (transition ``return_result``) an invitation is created in
the same transaction (a ``dossiers.hooks`` handler: rows only, the message included) and the
link is sent by the worker after commit.
The link's token is single-use and expires after :data:`SURVEY_VALID_DAYS` days. The answer is
stored apart from the invitation, with the agency and the day only: nobody, officers included,
can tell who answered what (aggregates only)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .models import SurveyAnswer, SurveyInvitation
from .services import FeedbackError, sha256

if TYPE_CHECKING:
    from dossiers.models import DossierEvent

SURVEY_VALID_DAYS: int = getattr(settings, "SURVEY_VALID_DAYS", 30)


def on_dossier_event(event: DossierEvent) -> None:
    """``dossiers.hooks`` handler: invite the applicant once the result is returned."""
    if event.transition != "return_result":
        return
    dossier = event.dossier
    if SurveyInvitation.objects.filter(dossier=dossier).exists():
        return
    token = secrets.token_urlsafe(24)
    SurveyInvitation.objects.create(
        dossier=dossier, agency_id=dossier.processing_agency_id or dossier.receiving_agency_id,
        token_sha256=sha256(token), created_at=event.at,
        expires_at=event.at + timedelta(days=SURVEY_VALID_DAYS))
    if not (dossier.applicant_email or dossier.applicant_phone or dossier.applicant_id):
        return
    link = notifications.absolute(reverse("feedback:survey", args=[token]))
    subject = _("How was the handling of your dossier %(code)s?") % {"code": dossier.code}
    body = _("Your dossier %(code)s has been completed. Please tell us in two questions how it "
             "was received and handled; your answer is anonymous.") % {"code": dossier.code}
    # notify() only writes rows here (sent by the worker after commit), as a hook must
    notifications.send(kind="survey_invitation", subject=subject, body=body,
                       user=dossier.applicant, email=dossier.applicant_email,
                       phone=dossier.applicant_phone, sms=f"{subject} {link}", link=link,
                       dedupe_key=f"survey:{dossier.pk}")


def valid_invitation(token: str) -> SurveyInvitation | None:
    if not token:
        return None
    invitation = (SurveyInvitation.objects.select_related("agency")
                  .filter(token_sha256=sha256(token)).first())
    if invitation is None or invitation.used_at is not None:
        return None
    if invitation.expires_at < timezone.now():
        return None
    return invitation


def answer(token: str, *, intake_score: int, handling_score: int, comment: str = "") -> None:
    """Record one anonymous answer and spend the token (single use, even under a race)."""
    now = timezone.now()
    with transaction.atomic():
        invitation = valid_invitation(token)
        if invitation is None:
            raise FeedbackError(_("This survey link has expired or was already used."))
        spent = SurveyInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now)
        if not spent:
            raise FeedbackError(_("This survey link has expired or was already used."))
        SurveyAnswer.objects.create(agency_id=invitation.agency_id,
                                    answered_on=timezone.localdate(now),
                                    intake_score=intake_score, handling_score=handling_score,
                                    comment=comment[:2000])


def summary(agency_ids: set[int] | None) -> list[dict[str, Any]]:
    """Aggregates per agency (never single answers) for officers' pages."""
    rows = SurveyAnswer.objects.all()
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    grouped = rows.values("agency__name").annotate(
        answers=Count("id"), intake=Avg("intake_score"), handling=Avg("handling_score"))
    return [dict(row) for row in grouped.order_by("agency__name")]
