"""Health probes for load balancers and orchestrators.

`/livez` answers 200 as long as the process serves requests and touches nothing else (restart me if
this fails). `/healthz` checks the database, the cache and the Celery broker and answers 503 naming
what is down (take me out of rotation). Both are answered by `HealthProbeMiddleware`, first in the
chain, so a probe by IP address over plain HTTP needs neither ALLOWED_HOSTS nor the HTTPS redirect.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

PROBE_PATHS = frozenset({"/healthz", "/livez"})
BROKER_TIMEOUT_SECONDS = 2


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    token = uuid.uuid4().hex
    cache.set("latitude:healthz", token, 10)
    if cache.get("latitude:healthz") != token:
        raise RuntimeError("the cache did not return what was stored")


def check_broker() -> None:
    from helpdesk.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
        client = getattr(conn.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):  # Redis: connecting is lazy, a PING is not
            client.ping()


def checks() -> dict:
    found = {"database": check_database, "cache": check_cache, "broker": check_broker}
    if "replica" in settings.DATABASES:
        found["replica"] = lambda: check_database("replica")
    return found


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results, down = {}, []
    for name, check in checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "down", and the probe must answer
            log.warning("health check %s failed: %s", name, exc)
            results[name] = f"down: {type(exc).__name__}: {exc}"[:300]
            down.append(name)
    body = {"status": "down" if down else "ok", "down": down, "checks": results}
    response = JsonResponse(body, status=503 if down else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def livez(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


class HealthProbeMiddleware:
    """Answers GET/HEAD on the probe paths before anything reads the Host header or redirects."""

    views = {"/healthz": healthz, "/livez": livez}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        view = self.views.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


def metrics(request: HttpRequest):
    """Prometheus exposition (django-prometheus), refused without the bearer token when METRICS_TOKEN is set."""
    import hmac

    from django.http import HttpResponseForbidden
    from django_prometheus.exports import ExportToDjangoView

    token = settings.METRICS_TOKEN
    if token and not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return HttpResponseForbidden("metrics need the bearer token\n", content_type="text/plain")
    return ExportToDjangoView(request)
