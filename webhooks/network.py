"""Outbound HTTP for webhooks, safe against SSRF: the host is resolved, every address it resolves to is
checked (no private, loopback, link-local or reserved address unless the host is listed in
WEBHOOK_ALLOWED_HOSTS), and the connection goes to the address that was checked (pinned), so a DNS
answer that changes between the check and the connect cannot send us inward. Redirects are never
followed. Connections are kept alive per (scheme, address, port, host) in each worker process.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

EXCERPT_BYTES = 2048
MAX_RESPONSE_BYTES = 64 * 1024


class UnsafeURL(ValueError):
    """The URL may not be called: bad scheme, no host, unresolvable, or a refused address."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def host_allowed(host: str) -> bool:
    allowed = {h.strip().lower().rstrip(".") for h in settings.WEBHOOK_ALLOWED_HOSTS if h.strip()}
    return host.lower().rstrip(".") in allowed


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def resolve(url: str) -> Target:
    """Parse and resolve `url`; raise UnsafeURL unless every address is allowed. Returns the pinned target."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL("only http and https URLs can receive webhooks")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeURL("credentials in the URL are not allowed; use the signature to authenticate")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):  # gaierror is an OSError; NUL bytes are a ValueError
        raise UnsafeURL(f"the host {host} cannot be resolved") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeURL(f"the host {host} cannot be resolved")
    if not host_allowed(host):
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeURL(
                f"the host {host} resolves to a private or loopback address ({refused[0]}); "
                "only hosts listed in WEBHOOK_ALLOWED_HOSTS may"
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])


_pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
_pools_lock = threading.Lock()


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    key = (target.scheme, target.address, target.port, target.host)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            if target.scheme == "https":
                # Connect to the checked address, but verify the certificate (and send SNI) for the host.
                pool = urllib3.HTTPSConnectionPool(
                    target.address,
                    target.port,
                    maxsize=4,
                    server_hostname=target.host,
                    assert_hostname=target.host,
                    cert_reqs="CERT_REQUIRED",
                )
            else:
                pool = urllib3.HTTPConnectionPool(target.address, target.port, maxsize=4)
            _pools[key] = pool
    return pool


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body` to `url` after the SSRF check; raises UnsafeURL, or urllib3's errors on no answer."""
    target = resolve(url)
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal
        host_header = f"[{target.host}]" + ("" if target.port == default_port else f":{target.port}")
    timeout = urllib3.Timeout(connect=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, read=settings.WEBHOOK_TIMEOUT_SECONDS)
    response = _pool(target).urlopen(
        "POST",
        target.path,
        body=body,
        headers={**headers, "Host": host_header},
        redirect=False,
        retries=False,
        timeout=timeout,
        preload_content=False,
        assert_same_host=False,
    )
    try:
        data = response.read(MAX_RESPONSE_BYTES)
        # Drain what is left (bounded) so the connection can be reused; a huge answer closes it instead.
        if response.read(1):
            response.close()
    finally:
        response.release_conn()
    return Response(status=response.status, body=data)
