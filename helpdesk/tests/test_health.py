"""/healthz and /livez in-process: what each checks, and what a probe needs (nothing but the path)."""

import pytest
from django.test import Client

from helpdesk.testing import free_port
from helpdesk.testing.worker import broker_unreachable


@pytest.fixture
def probe():
    return Client(HTTP_HOST="10.0.0.7")  # a balancer probing by IP: not in ALLOWED_HOSTS


def test_healthz_answers_ok_when_database_cache_and_broker_answer(db, probe):
    response = probe.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "down": [],
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_healthz_names_the_broker_when_it_is_down(db, probe):
    with broker_unreachable():
        response = probe.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


def test_healthz_names_the_cache_when_it_is_down(db, probe, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    response = probe.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]
    assert "ConnectionError" in response.json()["checks"]["cache"]


def test_livez_touches_nothing(probe):
    response = probe.get("/livez")  # no `db` fixture: any query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_other_pages_still_check_the_host(db, probe):
    assert probe.get("/accounts/login/").status_code == 400


def test_a_post_to_healthz_is_not_answered_by_the_probe(db, probe):
    assert probe.post("/healthz").status_code == 400  # falls through to the Host check
