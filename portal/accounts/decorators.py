"""View decorators for the officer pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def signed_in_and(test: Callable[[Any], bool], doc: str = "") -> Callable[[Any], Any]:
    """A decorator: the view runs for a signed-in user passing ``test(user)``; anonymous users
    go to the sign-in page, others get 403 (never a page of someone else's work)."""

    def decorator(view: Any) -> Any:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    decorator.__doc__ = doc or None
    return decorator
