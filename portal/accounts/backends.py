"""Authentication backends."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class ActiveMembershipBackend(ModelBackend):
    """Username/password sign-in, where the username may also be the 12-digit personal ID number.

    An officer without any membership in force (moved out, ended) cannot sign in, and an
    existing session of theirs is refused at once.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        if username and re.fullmatch(r"\d{12}", username.strip()):
            match = User.objects.filter(personal_id=username.strip()).first()
            if match is not None:
                username = match.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if getattr(user, "is_officer", False) and not user.is_superuser:
            return bool(user.memberships.current().exists())
        return True
