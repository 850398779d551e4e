"""Personas shared by every app's tests: two departments, their queues, and one person per role."""

import pytest

from tickets.tests.factories import CustomerFactory, DepartmentFactory, QueueFactory, TicketFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users: a fast hasher for them (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: cached reference data (helpdesk.refdata) and counters of an
    earlier test, whose rows were rolled back, must not leak into the next. (Cleared before, not after: a
    test may point the cache at a server that is down, see helpdesk/tests/test_health.py.)"""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def support(db):
    return DepartmentFactory(name="Support", slug="support")


@pytest.fixture
def billing(db):
    return DepartmentFactory(name="Billing", slug="billing")


@pytest.fixture
def support_queue(support):
    return QueueFactory(name="General support", slug="general", department=support)


@pytest.fixture
def billing_queue(billing):
    return QueueFactory(name="Billing", slug="billing", department=billing)


@pytest.fixture
def lead(support):
    user = UserFactory(username="lena", first_name="Lena", last_name="Novak", role="lead", department=support)
    support.lead = user
    support.save(update_fields=["lead"])
    return user


@pytest.fixture
def manager(support, billing):
    user = UserFactory(username="marta", first_name="Marta", last_name="Costa", role="manager", department=support)
    for department in (support, billing):
        department.manager = user
        department.save(update_fields=["manager"])
    return user


@pytest.fixture
def agent(support):
    return UserFactory(username="ana", first_name="Ana", last_name="Silva", role="agent", department=support)


@pytest.fixture
def teammate(support):
    return UserFactory(username="tomas", first_name="Tomás", last_name="Reis", role="agent", department=support)


@pytest.fixture
def other_agent(billing):
    """An agent of another department."""
    return UserFactory(username="bruno", first_name="Bruno", last_name="Lima", role="agent", department=billing)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Eleni Papadopoulou", email="eleni@example.gr", language="el")


@pytest.fixture
def ticket(support_queue, customer, agent):
    return TicketFactory(
        subject="Charged twice for my order", queue=support_queue, customer=customer, assignee=agent, status="open"
    )


@pytest.fixture
def smtp_server(settings):
    """A real aiosmtpd server, and Django's mail settings pointed at it for the test."""
    from helpdesk.testing.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


@pytest.fixture
def chromium(monkeypatch):
    """Debian's Chromium driven by Playwright: the browser, for a test to open pages or contexts in.
    Skips where Chromium is missing, fails in CI (LATITUDE_REQUIRE_ALL=1)."""
    from helpdesk.testing import CHROMIUM_ARGS, require_chromium

    executable = require_chromium()
    # Playwright's sync API runs an event loop; restored after the test, so `check --deploy` never sees it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
