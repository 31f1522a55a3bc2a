"""Authentication backends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ActiveMembershipBackend(ModelBackend):
    """Username/password sign-in. An officer without any membership in force (moved out, ended)
    cannot sign in, and an existing session of theirs is refused at once."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if getattr(user, "is_officer", False) and not user.is_superuser:
            return bool(user.memberships.current().exists())
        return True
