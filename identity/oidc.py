"""OpenID Connect sign-in (mozilla-django-oidc): endpoints from discovery, the provider's subject linked to
one user, groups mapped to roles and department, refusals explained on the login page.

Settings are read when a sign-in happens, never at import: the backend is inert until OIDC_RP_CLIENT_ID is set,
and a provider that is down never breaks password sign-in (the admins' break-glass)."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from identity import roles
from identity.models import ExternalIdentity

log = logging.getLogger(__name__)

# The session remembers that the provider signed this person in: two-factor is the provider's business then.
SSO_SESSION_KEY = "identity_sso"
DISCOVERY_CACHE_SECONDS = 3600
# Which OIDC_OP_* setting comes from which field of the discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class SignInRefused(Exception):
    """The provider vouched for the person, but Latitude will not let them in; the message says why."""


def is_configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def discovery() -> dict:
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url:
        return {}
    key = f"identity:oidc-discovery:{url}"
    document = cache.get(key)
    if document is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def setting(attr: str, *default):
    """An OIDC_* setting; an empty OIDC_OP_* endpoint is taken from the discovery document."""
    value = import_from_settings(attr, *default)
    if attr in DISCOVERED and not value:
        value = discovery().get(DISCOVERED[attr], "")
        if not value:
            raise ImproperlyConfigured(f"{attr} is not set and OIDC_OP_DISCOVERY_URL does not provide it")
    return value


def issuer() -> str:
    return discovery().get("issuer") or settings.OIDC_OP_AUTHORIZATION_ENDPOINT


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in the person the provider vouches for, if one of their groups is mapped and their account is active."""

    def __init__(self, *args, **kwargs):
        # Inert until a sign-in comes back from the provider (see authenticate): password sign-ins load every
        # backend, and must work when single sign-on is off or the provider is unreachable.
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr, *args):
        return setting(attr, *args)

    def authenticate(self, request, **kwargs):
        if request is None or not is_configured() or "code" not in request.GET or "state" not in request.GET:
            return None
        super().__init__()
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefused as refusal:
            messages.error(request, str(refusal))
            request.identity_refused = True
            return None
        except (requests.RequestException, SuspiciousOperation, ImproperlyConfigured) as exc:
            log.warning("single sign-on failed: %s", exc)
            messages.error(request, _("Single sign-on failed. Try again, or ask an admin."))
            request.identity_refused = True
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        subject = str(claims.get("sub") or payload.get("sub") or "")
        if not subject:
            raise SuspiciousOperation("the provider sent no subject")
        iss = str(payload.get("iss") or issuer())
        grants = roles.grants_for(roles.groups_from_claims(claims))
        if not grants:
            link = ExternalIdentity.objects.select_related("user").filter(issuer=iss, subject=subject).first()
            if link is not None:  # someone the provider no longer puts in a mapped group loses their roles
                roles.apply_grants(user=link.user, grants=[])
            raise SignInRefused(
                _("Your account at %(provider)s is not in a group that may use Latitude. Ask an admin for access.")
                % {"provider": settings.OIDC_PROVIDER_NAME}
            )
        with transaction.atomic():
            user = self._find_or_create(issuer=iss, subject=subject, claims=claims)
            if not user.is_active:
                raise SignInRefused(_("This Latitude account is disabled. Ask an admin."))
            roles.apply_grants(user=user, grants=grants)
        return user

    def _find_or_create(self, *, issuer: str, subject: str, claims: dict):
        iss = issuer
        link = ExternalIdentity.objects.select_related("user").filter(issuer=iss, subject=subject).first()
        if link is not None:
            return self._update_names(link.user, claims)
        email = (claims.get("email") or "").strip()
        # A local account with the same address is linked only when the provider says the address is verified.
        user = None
        if email and claims.get("email_verified", False):
            matches = list(self.UserModel.objects.filter(email__iexact=email)[:2])
            if len(matches) == 1:
                user = matches[0]
        if user is None:
            user = self.UserModel.objects.create_user(username=self._free_username(claims, subject), email=email)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        ExternalIdentity.objects.create(user=user, issuer=iss, subject=subject)
        return self._update_names(user, claims)

    def _free_username(self, claims: dict, subject: str) -> str:
        base = (claims.get("preferred_username") or (claims.get("email") or "").split("@")[0] or subject)[:140]
        candidate, n = base, 1
        while self.UserModel.objects.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        return candidate

    def _update_names(self, user, claims: dict):
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name"), ("email", "email")):
            value = (claims.get(claim) or "")[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user


class AuthenticateView(OIDCAuthenticationRequestView):
    """GET /oidc/authenticate/ → the provider's sign-in page (404-free: back to login when SSO is off)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        return setting(attr, *args)

    def get(self, request):
        if not is_configured():
            return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ImproperlyConfigured, ValueError) as exc:
            log.warning("single sign-on provider unreachable: %s", exc)
            messages.error(request, _("The sign-in provider cannot be reached. Try again later."))
            return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """GET /oidc/callback/: the provider's answer; on success the session is marked as signed in by it."""

    @staticmethod
    def get_settings(attr, *args):
        return setting(attr, *args)

    def login_success(self):
        response = super().login_success()
        self.request.session[SSO_SESSION_KEY] = True
        return response

    def login_failure(self):
        if not getattr(self.request, "identity_refused", False):
            messages.error(self.request, _("Single sign-on did not sign you in."))
        return super().login_failure()
