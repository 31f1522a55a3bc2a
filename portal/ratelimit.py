"""A fixed-window rate limiter on Django's cache (Redis in production), for sign-in and look-ups.

With the in-process cache of the embedded mode the limit applies per process, which is what a
single-process demo needs; production shares the count through Redis.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one request for ``key`` in ``scope``; ``False`` once ``limit`` is exceeded."""
    if limit <= 0:
        return True
    bucket = int(time.time() // window_seconds)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, window_seconds + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, window_seconds + 5)
        return True
    return count <= limit
