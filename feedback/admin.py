"""Admin of the feedback app: operators manage the connected systems and their tokens.

Feedback items themselves are handled on the staff pages (/phan-anh/xu-ly/), never in admin,
so that every change goes through the state machine and writes its event."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal.audit.admin import AuditedModelAdmin

from .models import FeedbackSource
from .services import sha256


@admin.register(FeedbackSource)
class FeedbackSourceAdmin(AuditedModelAdmin):
    list_display = ["name", "is_active", "created_at"]
    fields = ["name", "is_active"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            token = secrets.token_urlsafe(32)
            obj.token_sha256 = sha256(token)
            messages.warning(request, _("The token of %(name)s, shown once: %(token)s")
                             % {"name": obj.name, "token": token})
        super().save_model(request, obj, form, change)
