"""Two-factor sign-in for local accounts: enrolment with a QR code, the code after the password, recovery codes,
the roles that require it, the Django admin and the API token endpoint."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from identity import twofactor

PASSWORD = "Long-enough-pass-1"


@pytest.fixture(autouse=True)
def required_for_admins_and_managers(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin", "manager"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # tests type a wrong code and then the right one at once
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def boss(manager):
    manager.set_password(PASSWORD)
    manager.save()
    return manager


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, twofactor.new_recovery_codes(user=user)


def log_in(client, user, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": password}, **extra)


def test_a_manager_must_enrol_before_anything_else_opens(client, boss):
    response = log_in(client, boss)

    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("identity:enrol")
    inbox = client.get(reverse("tickets:inbox"))
    assert inbox.status_code == 302 and inbox.url.startswith(reverse("identity:enrol"))
    assert client.get("/api/tickets/").status_code == 403
    assert client.get("/admin/").url.startswith(reverse("identity:enrol"))


def test_enrolment_shows_a_qr_code_then_the_recovery_codes_once(client, boss):
    log_in(client, boss)
    page = client.get(reverse("identity:enrol"))
    assert page.status_code == 200
    assert reverse("identity:qr") in page.content.decode()
    qr = client.get(reverse("identity:qr"))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.lstrip().startswith(b"<svg")
    device = TOTPDevice.objects.get(user=boss, confirmed=False)

    wrong = client.post(reverse("identity:enrol"), {"code": "000000"})
    assert wrong.status_code == 400
    done = client.post(reverse("identity:enrol"), {"code": code(device)})

    assert done.status_code == 200
    codes = [t.token for t in StaticToken.objects.filter(device__user=boss)]
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert client.get(reverse("tickets:inbox")).status_code == 200
    overview = client.get(reverse("identity:overview")).content.decode()
    assert "10 recovery codes left" in overview and codes[0] not in overview
    assert AuditEntry.objects.filter(kind="twofactor.enrol", object_id=str(boss.pk)).exists()


def test_after_the_password_a_code_is_required_and_a_wrong_one_is_refused(client, boss):
    device, _codes = enrolled(boss)
    response = log_in(client, boss)
    assert client.get(reverse("tickets:inbox")).url.startswith(reverse("identity:verify"))

    wrong = client.post(reverse("identity:verify"), {"code": "123456"})
    assert wrong.status_code == 400
    assert "not valid" in wrong.content.decode()
    assert client.get(reverse("tickets:inbox")).status_code == 302

    right = client.post(reverse("identity:verify"), {"code": code(device), "next": "/"})
    assert right.status_code == 302 and right.url == "/"
    assert client.get(reverse("tickets:inbox")).status_code == 200
    assert response.status_code == 302


def test_a_recovery_code_works_once(client, boss):
    _device, codes = enrolled(boss)
    log_in(client, boss)
    assert client.post(reverse("identity:verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("tickets:inbox")).status_code == 200
    client.post(reverse("logout"))

    log_in(client, boss)
    again = client.post(reverse("identity:verify"), {"code": codes[0]})

    assert again.status_code == 400
    assert twofactor.recovery_codes_left(boss) == 9


def test_a_role_that_does_not_require_it_is_unaffected(client, agent):
    agent.set_password(PASSWORD)
    agent.save()

    response = log_in(client, agent, follow=True)

    # Signed in with the password alone: the landing sends an agent straight to the inbox, no code asked.
    assert response.status_code == 200 and response.request["PATH_INFO"] == reverse("tickets:inbox")


def test_an_agent_who_chose_two_factor_is_asked_for_it_too(client, agent):
    agent.set_password(PASSWORD)
    agent.save()
    enrolled(agent)

    log_in(client, agent)

    assert client.get(reverse("tickets:inbox")).url.startswith(reverse("identity:verify"))


def test_the_admin_site_is_enforced_too(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    device, _codes = enrolled(admin_user)

    client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"})
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked.url.startswith(reverse("identity:verify"))

    client.post(reverse("identity:verify"), {"code": code(device)})
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_count_towards_the_login_lockout(client, boss, settings):
    settings.AXES_FAILURE_LIMIT = 3
    enrolled(boss)
    log_in(client, boss)

    answers = [client.post(reverse("identity:verify"), {"code": "111111"}).status_code for _ in range(3)]

    assert answers[:2] == [400, 400] and answers[2] == 429
    assert client.get(reverse("tickets:inbox")).url.startswith(reverse("login"))  # signed out
    assert log_in(client, boss).status_code == 429  # the username is locked, even with the right password


def test_the_token_endpoint_asks_for_a_code(client, boss):
    data = {"username": boss.username, "password": PASSWORD}
    not_enrolled = client.post("/api/auth/token/", data)
    assert not_enrolled.status_code == 403

    device, codes = enrolled(boss)
    missing = client.post("/api/auth/token/", data)
    assert missing.status_code == 400 and "otp" in missing.json()
    assert client.post("/api/auth/token/", {**data, "otp": "999999"}).status_code == 400
    token = client.post("/api/auth/token/", {**data, "otp": code(device)})
    assert token.status_code == 200 and token.json()["token"]
    assert client.post("/api/auth/token/", {**data, "otp": codes[1]}).status_code == 200


def test_an_agent_gets_a_token_with_the_password_alone(client, agent):
    agent.set_password(PASSWORD)
    agent.save()

    assert client.post("/api/auth/token/", {"username": "ana", "password": PASSWORD}).status_code == 200


def test_a_required_role_cannot_turn_it_off_but_an_agent_can(client, boss, agent):
    enrolled(boss)
    client.force_login(boss)
    session = client.session
    session[twofactor.HAS_DEVICE_SESSION_KEY] = True
    session.save()
    # force_login does not verify: the manager is sent to the code step
    assert client.post(reverse("identity:disable")).url.startswith(reverse("identity:verify"))
    assert client.post(reverse("identity:recovery_codes")).url.startswith(reverse("identity:verify"))

    agent_client = client.__class__()
    enrolled(agent)
    agent_client.force_login(agent)
    device = TOTPDevice.objects.get(user=agent)
    agent_client.post(reverse("identity:verify"), {"code": code(device)})
    assert agent_client.post(reverse("identity:disable")).status_code == 302
    assert not twofactor.has_device(agent)


def test_the_pages_refuse_get_for_changes_and_anonymous_visitors(client, agent):
    assert client.get(reverse("identity:enrol")).url.startswith(reverse("login"))
    client.force_login(agent)
    assert client.get(reverse("identity:disable")).status_code == 405
    assert client.get(reverse("identity:recovery_codes")).status_code == 405
