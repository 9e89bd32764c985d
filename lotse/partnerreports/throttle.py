"""Rate limits of the public report form and API: per report link and per client address, per hour.

Counted in Django's cache (fixed one-hour windows). Every submission counts, valid or not, so a link or an
address cannot be used to try names in bulk. With the default per-process memory cache the limit applies per
server process; an installation with several processes configures a shared cache (e.g. the database cache).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def per_link_limit() -> int:
    return int(getattr(settings, "LOTSE_PARTNER_REPORTS_PER_LINK_PER_HOUR", 30))


def per_address_limit() -> int:
    return int(getattr(settings, "LOTSE_PARTNER_REPORTS_PER_ADDRESS_PER_HOUR", 30))


def _key(kind: str, ident: str) -> str:
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"lotse:partnerreports:{kind}:{digest}:{window}"


def _hit(kind: str, ident: str, limit: int) -> bool:
    """Count one submission; True when the limit of the current window is exceeded."""
    key = _key(kind, ident)
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return count > limit


def address_exceeded(ip_address: str | None) -> bool:
    """Count a submission from ``ip_address`` (whatever its token); True when over the limit."""
    return _hit("ip", ip_address or "unknown", per_address_limit())


def link_exceeded(link) -> bool:
    """Count a submission through ``link``; True when over the limit."""
    return _hit("link", str(link.pk), per_link_limit())
