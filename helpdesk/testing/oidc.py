"""A real OpenID Connect provider for the single sign-on tests: a tiny Django project built on
django-oauth-toolkit (discovery, authorization code flow with PKCE, token and userinfo endpoints, RS256-signed
ID tokens, a JWKS), run as its own process on a free 127.0.0.1 port with its own SQLite database.

    with OidcProvider(redirect_uri=f"{live_server.url}/oidc/callback/", users=[...]) as op:
        settings.OIDC_OP_DISCOVERY_URL = op.discovery_url

Each user: {username, password, email, given_name?, family_name?, groups: [...], active?}. The provider's
login page is a plain form (username, password); the client is pre-authorised (no consent screen).
This file is also the provider's program: `python helpdesk/testing/oidc.py --port P --db F --config C`.
Only the standard library is imported at the top, so the program does not load Latitude's settings.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

OP_COOKIE_PREFIX = "op_"  # both servers are on 127.0.0.1: cookies do not tell ports apart


class OidcProvider:
    def __init__(self, *, redirect_uri: str, users: list[dict], client_id: str = "latitude", port: int | None = None):
        self.redirect_uri = redirect_uri
        self.users = users
        self.client_id = client_id
        self.client_secret = secrets.token_urlsafe(24)
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="oidc-op-"))
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/o/.well-known/openid-configuration"

    def start(self) -> OidcProvider:
        from helpdesk.testing import free_port

        self.port = self.port or free_port()
        config = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            "users": self.users,
        }
        (self.dir / "config.json").write_text(json.dumps(config))
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.log = open(self.dir / "op.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--port", str(self.port), "--db", str(self.dir / "op.sqlite3"),
             "--config", str(self.dir / "config.json")],
            stdout=self.log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited: {(self.dir / 'op.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.discovery_url, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the OIDC provider did not answer within 90 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------- the provider's program


LOGIN_PAGE = """<!doctype html><title>Test ID</title><h1>Test ID</h1>{error}
<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label>Username <input name="username"></label> <label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>"""


def _configure(*, db: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.conf import settings

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="__main__",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        SESSION_COOKIE_NAME=f"{OP_COOKIE_PREFIX}sessionid",
        CSRF_COOKIE_NAME=f"{OP_COOKIE_PREFIX}csrftoken",
        LOGIN_URL="/login/",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": pem,
            "PKCE_REQUIRED": True,
            "SCOPES": {"openid": "OpenID Connect", "email": "E-mail", "profile": "Profile"},
            "OAUTH2_VALIDATOR_CLASS": "__main__.GroupsValidator",
        },
    )


def _build() -> None:
    """After django.setup(): the validator that adds the claims, the login view and the URLs."""
    from django.contrib.auth import authenticate, login
    from django.http import HttpResponse, HttpResponseRedirect
    from django.middleware.csrf import get_token
    from django.urls import include, path
    from django.utils.html import escape
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class GroupsValidator(OAuth2Validator):
        oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

        def get_additional_claims(self, request):
            user = request.user
            return {
                "email": user.email,
                "email_verified": True,
                "preferred_username": user.username,
                "given_name": user.first_name,
                "family_name": user.last_name,
                "name": user.get_full_name(),
                "groups": sorted(user.groups.values_list("name", flat=True)),
            }

    def login_view(request):
        error = ""
        next_url = request.POST.get("next") or request.GET.get("next") or "/"
        if request.method == "POST":
            user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
            if user is not None:
                login(request, user)
                return HttpResponseRedirect(next_url if next_url.startswith("/") else "/")
            error = "<p role=alert>Wrong username or password.</p>"
        page = LOGIN_PAGE.format(error=error, csrf=get_token(request), next=escape(next_url))
        return HttpResponse(page, status=400 if error else 200)

    module = sys.modules["__main__"]
    module.GroupsValidator = GroupsValidator
    module.urlpatterns = [path("login/", login_view), path("o/", include("oauth2_provider.urls"))]


def _seed(config: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for spec in config["users"]:
        user = User.objects.create_user(
            username=spec["username"],
            password=spec["password"],
            email=spec.get("email", ""),
            first_name=spec.get("given_name", ""),
            last_name=spec.get("family_name", ""),
            is_active=spec.get("active", True),
        )
        for name in spec.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="Latitude",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())

    import socketserver
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    import django

    _configure(db=args.db)
    django.setup()
    _build()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    _seed(config)

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *args):
            sys.stderr.write("op: " + (format % args) + "\n")

    server = make_server("127.0.0.1", args.port, get_wsgi_application(), server_class=Server, handler_class=Quiet)
    print(f"OIDC provider on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
