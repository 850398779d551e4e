"""Single sign-on against a real OpenID Connect provider (helpdesk/testing/oidc.py) on 127.0.0.1, driven over
HTTP by a requests session that follows every redirect between Latitude (live server) and the provider."""

from __future__ import annotations

import re

import pytest
import requests
from django.contrib.auth.models import User
from django.core.cache import cache

from identity.models import ExternalIdentity
from tickets.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_USERS = [
    {"username": "sofia", "password": "op-pass-1", "email": "sofia@corp.example", "given_name": "Sofia",
     "family_name": "Ilić", "groups": ["helpdesk-support", "everyone"]},
    {"username": "nikos", "password": "op-pass-2", "email": "nikos@corp.example", "groups": ["helpdesk-managers"]},
    {"username": "petra", "password": "op-pass-3", "email": "petra@corp.example", "groups": ["marketing"]},
    {"username": "ivan", "password": "op-pass-4", "email": "ivan@corp.example", "groups": ["helpdesk-support"]},
]  # fmt: skip


@pytest.fixture(scope="module")
def provider(live_server):
    from helpdesk.testing.oidc import OidcProvider

    with OidcProvider(redirect_uri=f"{live_server.url}/oidc/callback/", users=PROVIDER_USERS) as op:
        yield op


@pytest.fixture
def sso(settings, provider):
    cache.clear()  # the discovery document is cached
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_OP_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_PROVIDER_NAME = "Corp ID"
    settings.OIDC_GROUP_MAP = ["helpdesk-support=agent:support", "helpdesk-managers=manager", "helpdesk-admins=admin"]
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin", "manager"]
    DepartmentFactory(name="Support", slug="support")
    return provider


def sign_in(base: str, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Click "Sign in with Corp ID", fill in the provider's form, follow the redirects back to Latitude."""
    browser = requests.Session()
    login_page = browser.get(f"{base}/accounts/login/", timeout=30)
    start = re.search(r'href="(/oidc/authenticate/[^"]*)"', login_page.text).group(1)
    form = browser.get(f"{base}{start}", timeout=30)
    assert "Test ID" in form.text, form.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    nxt = re.search(r'name="next" value="([^"]*)"', form.text).group(1).replace("&amp;", "&")
    landed = browser.post(
        form.url, data={"csrfmiddlewaretoken": csrf, "username": username, "password": password, "next": nxt},
        timeout=30,
    )  # fmt: skip
    return browser, landed


def test_the_login_page_offers_the_provider_only_when_configured(live_server, settings, provider):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Sign in with" not in requests.get(f"{live_server.url}/accounts/login/", timeout=30).text
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_PROVIDER_NAME = "Corp ID"
    assert "Sign in with Corp ID" in requests.get(f"{live_server.url}/accounts/login/", timeout=30).text


def test_a_member_of_a_mapped_group_signs_in_as_an_agent_of_the_department(live_server, sso):
    browser, landed = sign_in(live_server.url, "sofia", "op-pass-1")

    assert landed.status_code == 200
    assert landed.url.startswith(live_server.url) and "/accounts/login/" not in landed.url
    user = User.objects.get(email="sofia@corp.example")
    assert set(user.groups.values_list("name", flat=True)) == {"agent"}
    assert user.profile.department.slug == "support"
    assert (user.first_name, user.last_name) == ("Sofia", "Ilić")
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.filter(user=user, subject__isnull=False).count() == 1
    # The session works for the API too.
    assert browser.get(f"{live_server.url}/api/me/", timeout=30).status_code == 200


def test_signing_in_again_finds_the_same_person_and_follows_the_provider_s_roles(live_server, sso, settings):
    sign_in(live_server.url, "sofia", "op-pass-1")
    settings.OIDC_GROUP_MAP = ["helpdesk-support=lead:support"]
    sign_in(live_server.url, "sofia", "op-pass-1")

    user = User.objects.get(email="sofia@corp.example")
    assert User.objects.filter(email="sofia@corp.example").count() == 1
    assert set(user.groups.values_list("name", flat=True)) == {"lead"}


def test_someone_the_provider_drops_from_the_mapped_groups_is_refused_and_loses_the_roles(live_server, sso, settings):
    sign_in(live_server.url, "sofia", "op-pass-1")
    settings.OIDC_GROUP_MAP = ["helpdesk-managers=manager"]

    _browser, landed = sign_in(live_server.url, "sofia", "op-pass-1")

    assert "not in a group that may use Latitude" in landed.text
    assert not User.objects.get(email="sofia@corp.example").groups.exists()


def test_a_manager_from_the_provider_is_not_asked_for_a_second_factor(live_server, sso):
    browser, landed = sign_in(live_server.url, "nikos", "op-pass-2")

    assert "/account/two-factor/" not in landed.url
    assert landed.status_code == 200
    assert User.objects.get(email="nikos@corp.example").groups.filter(name="manager").exists()


def test_someone_in_no_mapped_group_is_refused_with_a_message(live_server, sso):
    browser, landed = sign_in(live_server.url, "petra", "op-pass-3")

    assert landed.url.startswith(f"{live_server.url}/accounts/login/")
    assert "not in a group that may use Latitude" in landed.text
    assert not User.objects.filter(email="petra@corp.example").exists()
    assert browser.get(f"{live_server.url}/api/me/", timeout=30).status_code in (401, 403)


def test_a_disabled_latitude_account_is_refused(live_server, sso):
    browser, first = sign_in(live_server.url, "ivan", "op-pass-4")
    assert "/accounts/login/" not in first.url
    User.objects.filter(email="ivan@corp.example").update(is_active=False)

    again, landed = sign_in(live_server.url, "ivan", "op-pass-4")

    assert landed.url.startswith(f"{live_server.url}/accounts/login/")
    assert "This Latitude account is disabled" in landed.text
    assert again.get(f"{live_server.url}/api/me/", timeout=30).status_code in (401, 403)


def test_with_local_passwords_off_agents_must_use_the_provider_but_admins_keep_theirs(live_server, sso, settings):
    settings.LOCAL_PASSWORDS_FOR_STAFF = False
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    UserFactory(username="ana", role="agent", password="Local-pass-123")
    UserFactory(username="root", role="admin", password="Local-pass-123", is_superuser=True, is_staff=True)

    def password_login(username):
        browser = requests.Session()
        page = browser.get(f"{live_server.url}/accounts/login/", timeout=30)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return browser.post(
            f"{live_server.url}/accounts/login/",
            data={"csrfmiddlewaretoken": csrf, "username": username, "password": "Local-pass-123"},
            timeout=30,
        )

    refused = password_login("ana")
    assert "/accounts/login/" in refused.url
    assert "Staff sign in with Corp ID" in refused.text
    token = requests.post(
        f"{live_server.url}/api/auth/token/", json={"username": "ana", "password": "Local-pass-123"}, timeout=30
    )
    assert token.status_code == 400 and "username" in token.json()

    allowed = password_login("root")
    assert "/accounts/login/" not in allowed.url
