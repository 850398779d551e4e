"""Loaded by pytest before Django starts (see pytest.ini): the test process's environment defaults.

Quick tests run Celery tasks in-process (eagerly); tests that need a real worker start one and
switch this off for themselves.
"""

import os

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
# Settings refuse to start without SECRET_KEY unless DEBUG=1; the tests (and the servers they start) use this one.
os.environ.setdefault("SECRET_KEY", "latitude-test-suite-key-not-secret")
# Two-factor is required of admins and managers by default; the suite's other tests sign those personas in with
# force_login, so no role requires it here unless a test says so (identity/tests switch it on).
os.environ.setdefault("TWO_FACTOR_REQUIRED_ROLES", "")
