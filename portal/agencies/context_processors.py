"""Template context shared by every page."""

from django.http import HttpRequest

from .models import Province


def province(request: HttpRequest) -> dict[str, object]:
    return {"province": Province.current()}
