"""The client's address, for every rate limiter (django-ratelimit, DRF throttles, login lockout).

`TRUSTED_PROXIES` is how many proxies stand in front of Latitude. Each appends the address it
received the request from to `X-Forwarded-For`, so the client is the entry that many places from
the right; anything further left was written by the client and is not trusted. With 0 (the default)
the header is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    trusted = settings.TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted:
        # Fewer entries than proxies: the request skipped a proxy; the nearest address is all we know.
        return remote
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def ratelimit_ip(request) -> str:
    """django-ratelimit's `key="ip"` callable (RATELIMIT_IP_META_KEY)."""
    return client_ip(request)


def axes_client_ip(request) -> str:
    return client_ip(request)
