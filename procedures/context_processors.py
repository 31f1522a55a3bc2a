"""Template context of the catalogue shared by every page."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from .models import Procedure

SAMPLE_KEY = "procedures:has-sample-data"


def catalogue(request: HttpRequest) -> dict[str, object]:
    """Whether demo procedures are loaded: the footer then says the catalogue is sample data."""
    has_samples = cache.get(SAMPLE_KEY)
    if has_samples is None:
        has_samples = Procedure.objects.filter(is_sample=True).exists()
        cache.set(SAMPLE_KEY, has_samples, 60)
    return {"catalogue_has_samples": has_samples}
