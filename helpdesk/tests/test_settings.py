import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpdesk.env import env_bool, env_int


def test_env_bool_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "12s")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 3)


def test_production_settings_pass_the_deploy_check(tmp_path):
    # Browser tests allow async-unsafe calls for Playwright; a production process never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DEBUG": "0",
        "LATITUDE_PRODUCTION": "1",
        "SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "help.example.com",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "LATITUDE_VAR_DIR": str(tmp_path),
    }
    # Production needs both; `check --deploy` connects to neither.
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/latitude")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "LATITUDE_PRODUCTION": "1", "LATITUDE_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
