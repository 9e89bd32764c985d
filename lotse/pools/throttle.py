"""Rate limit of the volunteers' public page: visits per client address and hour, counted in Django's cache.

Every request counts, with a valid link or not, so links cannot be tried in bulk. With the default per-process
memory cache the limit applies per server process; installations with several processes configure a shared
cache."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def limit_per_hour() -> int:
    return int(getattr(settings, "LOTSE_VOLUNTEER_VIEWS_PER_ADDRESS_PER_HOUR", 60))


def exceeded(ip_address: str | None) -> bool:
    """Count one visit from ``ip_address``; True when the address is over the limit of the current hour."""
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    digest = hashlib.sha256((ip_address or "unknown").encode()).hexdigest()[:32]
    key = f"lotse:pools:volunteer-view:{digest}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return count > limit_per_hour()
