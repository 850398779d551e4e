"""Strangers at the door: password guessing, demo accounts in production, proxies and rate limits, keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from helpdesk.client_ip import client_ip
from tickets.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
GOOD = "a-Long-and-unusual-pass-417"


@pytest.fixture
def person(db):
    user = UserFactory(username="ana", role="agent")
    user.set_password(GOOD)
    user.save()
    return user


def _fail(client, n, *, api=False, password="wrong-guess"):
    for _ in range(n):
        if api:
            client.post("/api/auth/token/", {"username": "ana", "password": password}, REMOTE_ADDR=f"10.0.0.{_ + 1}")
        else:
            client.post("/accounts/login/", {"username": "ana", "password": password}, REMOTE_ADDR=f"10.0.0.{_ + 1}")


def test_ten_failures_lock_the_username_on_the_page_even_with_the_right_password(client, person):
    _fail(client, 10)

    response = client.post("/accounts/login/", {"username": "ana", "password": GOOD})

    assert response.status_code in (403, 429)
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ten_failures_lock_the_username_on_the_token_endpoint(client, person, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000/min"}}
    _fail(client, 10, api=True)

    response = client.post("/api/auth/token/", {"username": "ana", "password": GOOD})

    assert response.status_code in (403, 429)
    assert "token" not in response.json()


def test_nine_failures_do_not_lock_and_the_lock_lifts_after_fifteen_minutes(client, person):
    from freezegun import freeze_time

    with freeze_time("2026-11-02 10:00:00"):
        _fail(client, 9)
        assert client.post("/api/auth/token/", {"username": "ana", "password": GOOD}).status_code == 200
        _fail(client, 10)
        assert client.post("/api/auth/token/", {"username": "ana", "password": GOOD}).status_code in (403, 429)
    with freeze_time("2026-11-02 10:16:00"):
        assert client.post("/api/auth/token/", {"username": "ana", "password": GOOD}).status_code == 200


def test_a_weak_password_is_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("demo", "12345678901234", "password1234"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password(GOOD)


def test_seed_demo_refuses_in_production(db, monkeypatch):
    monkeypatch.setenv("LATITUDE_PRODUCTION", "1")

    with pytest.raises(CommandError, match="LATITUDE_PRODUCTION"):
        call_command("seed_demo")

    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="ana").exists()


def test_without_a_secret_key_only_debug_gets_the_development_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "LATITUDE_PRODUCTION")}
    env |= {"DEBUG": "0", "LATITUDE_VAR_DIR": str(tmp_path)}
    refused = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, cwd=ROOT)
    env["DEBUG"] = "1"
    allowed = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, cwd=ROOT)

    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9"),  # no proxy: the header is the client's own words
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the proxy appended the real client
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.9"),  # fewer hops than proxies: the nearest address
        (1, "not-an-ip", "10.0.0.9"),
    ],
)
def test_trusted_proxies_decide_the_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_behind_a_proxy_each_visitor_has_their_own_contact_form_bucket(client, settings, support_queue):
    from django.core.cache import cache

    cache.clear()
    settings.TRUSTED_PROXIES = 1
    from django_ratelimit.core import is_ratelimited

    rf = RequestFactory()
    first = rf.post("/contact/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = rf.post("/contact/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    for _ in range(3):
        is_ratelimited(first, group="t", key="ip", rate="3/m", method="POST", increment=True)

    assert is_ratelimited(first, group="t", key="ip", rate="3/m", method="POST", increment=True)
    assert not is_ratelimited(second, group="t", key="ip", rate="3/m", method="POST", increment=True)
