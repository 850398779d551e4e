"""Latitude settings: one module, everything that differs between machines comes from the environment.

Embedded default (no environment): SQLite file, Celery on a filesystem broker run by `make run`,
e-mail into the local outbox. With DATABASE_URL / REDIS_URL / EMAIL_URL set: PostgreSQL, Redis and SMTP.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from helpdesk.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LATITUDE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
# Production (LATITUDE_PRODUCTION=1) never falls back to a built-in key, SQLite, an in-memory cache or
# the filesystem broker: a process missing one of these refuses to start, naming every one missing.
LATITUDE_PRODUCTION = env_bool("LATITUDE_PRODUCTION", False)
if LATITUDE_PRODUCTION:
    _missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") if not env_str(name)]
    if _missing:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "LATITUDE_PRODUCTION=1 refuses to start: " + "; ".join(f"{name} must be set" for name in _missing)
        )
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        # Never a well-known key by accident: a deployment that forgets SECRET_KEY does not start.
        raise ImproperlyConfigured("SECRET_KEY must be set (a development key is used only with DEBUG=1)")
    SECRET_KEY = "django-insecure-latitude-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])
# How many proxies are in front: decides the client address for every rate limit (helpdesk.client_ip).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
RATELIMIT_IP_META_KEY = "helpdesk.client_ip.ratelimit_ip"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "helpdesk",
    # Latitude, in dependency order: each app may use the ones above it, never below.
    "notices",
    "tickets",
    "mailroom",
    "agents",
    "feedback",
    "insights",
    "recognition",
    "axes",
    "csp",
    "portal",
    "kb",
    "audit",
    "webhooks",
    "automations",
    "identity",
    "privacy",
]

MIDDLEWARE = [
    # First: load balancers probe /healthz and /livez by IP, over plain HTTP; answered before the
    # Host check (CommonMiddleware) and the HTTPS redirect, and only those two paths.
    "helpdesk.health.HealthProbeMiddleware",
    "helpdesk.observability.RequestIdMiddleware",
    "helpdesk.middleware.RefdataScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTP: a person whose role requires two-factor reaches only the sign-in steps until verified.
    "identity.middleware.TwoFactorMiddleware",
    "audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "helpdesk.middleware.HtmxMessagesMiddleware",
    "tickets.middleware.UserPreferencesMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Benchmark only (bench/workbench.py): an X-Query-Count header on every response and the
# reference view at /bench/reference/. Never set in production.
LATITUDE_BENCH = env_bool("LATITUDE_BENCH", False)
if LATITUDE_BENCH:
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")

ROOT_URLCONF = "helpdesk.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tickets.context_processors.navigation",
                "notices.context_processors.badge",
            ],
        },
    }
]

WSGI_APPLICATION = "helpdesk.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL")
# DATABASE_POOLER=pgbouncer: the URL points at pgbouncer in transaction mode. Each transaction may
# land on another server connection, so no server-side cursors (they live across transactions) and
# no session state; Django's persistent connections are then client slots in pgbouncer, which stays
# the pool. See docs/deploy.md.
DATABASE_POOLER = env_str("DATABASE_POOLER", "").lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or 'pgbouncer', not {DATABASE_POOLER!r}")
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_URL:
    _conn_max_age = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=_conn_max_age, conn_health_checks=True)}
    if DATABASE_REPLICA_URL:
        # Dashboards and reports read here (helpdesk.routers); tests use the default database for it.
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=_conn_max_age, conn_health_checks=True
        )
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASE_POOLER == "pgbouncer":
        for _db in DATABASES.values():
            _db["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "latitude.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DATABASE_ROUTERS = ["helpdesk.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (contract): 10 failures for one username within 15 minutes lock it for 15 minutes.
# Passwords (refused for staff when LOCAL_PASSWORDS_FOR_STAFF is off, admins excepted), then OpenID Connect.
AUTHENTICATION_BACKENDS = [
    "helpdesk.lockout.LockoutBackend",
    "identity.backends.PasswordBackend",
    "identity.oidc.OIDCBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "helpdesk.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "helpdesk.client_ip.axes_client_ip"
AXES_VERBOSE = False
# The contract locks a username, whatever address the guesses come from (addresses are rate-limited
# separately: the token endpoint's throttle and django-ratelimit, both through helpdesk.client_ip).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:landing"  # by role: approvals waiting, the team's inbox, or one's own
LOGOUT_REDIRECT_URL = "login"

# Single sign-on (OpenID Connect, mozilla-django-oidc; docs/security.md). Off unless OIDC_RP_CLIENT_ID is
# set. Endpoints come from OIDC_OP_DISCOVERY_URL (the provider's /.well-known/openid-configuration) unless
# given one by one. OIDC_GROUP_MAP: comma-separated `provider-group=role` or `provider-group=role:department-slug`;
# someone in none of the mapped groups cannot sign in.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_DISCOVERY_URL = env_str("OIDC_OP_DISCOVERY_URL")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_GROUP_MAP = env_list("OIDC_GROUP_MAP", [])
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_CALLBACK_CLASS = "identity.oidc.CallbackView"
OIDC_AUTHENTICATE_CLASS = "identity.oidc.AuthenticateView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
# Off: agents, leads and managers sign in only through the provider; admins keep their password (with
# two-factor) as the break-glass way in when the provider is down.
LOCAL_PASSWORDS_FOR_STAFF = env_bool("LOCAL_PASSWORDS_FOR_STAFF", True)
# Two-factor sign-in (django-otp: TOTP plus recovery codes) for local accounts: required for these roles,
# optional for everyone else. A session signed in through OpenID Connect counts as verified by the provider.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", ["admin", "manager"])
TWO_FACTOR_RECOVERY_CODES = env_int("TWO_FACTOR_RECOVERY_CODES", 10)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Latitude")

# Internationalisation: every screen translatable, times stored in UTC, shown in the viewer's zone.
LANGUAGE_CODE = "en"
# English dates in en-GB style (30/11/2026 14:05) rather than Django's US "en" formats.
FORMAT_MODULE_PATH = ["helpdesk.formats"]
LANGUAGES = [
    ("en", _("English")),
    ("pt", _("Portuguese (Portugal)")),
    ("pt-br", _("Portuguese (Brazil)")),
    ("el", _("Greek")),
    ("sr-latn", _("Serbian (Latin)")),
    ("sr", _("Serbian (Cyrillic)")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
try:  # whitenoise looks for it at start-up; collectstatic fills it for production
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at install time (`npm ci`) and are served locally.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/axe-core", NODE_MODULES / "axe-core"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
# Attachments and inline images: local disk (MEDIA_ROOT) by default; an S3-compatible store when
# S3_BUCKET is set, so every web node and worker sees the same files. Downloads still go through the
# permission-checked views, never a public bucket URL.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", "media"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("LATITUDE_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Attachments are never served from MEDIA_URL: a view checks who may see each one.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Retention (privacy app): attachments of tickets closed more than this many days ago are deleted by a
# daily job, reported in the audit trail. 0 = keep them (the default).
ATTACHMENT_RETENTION_DAYS = env_int("ATTACHMENT_RETENTION_DAYS", 0)
# A received e-mail over this size is quarantined with its headers only (never dropped silently).
INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 40 * 1024 * 1024)
# The public contact form: posts per client IP (django-ratelimit syntax, counted in the cache).
CONTACT_FORM_RATE = env_str("CONTACT_FORM_RATE", "10/h")
# Password-reset requests (django-ratelimit) per address (over it: no more mail, the same page) and per
# client IP (over it: 429 with a form error).
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/h")
PASSWORD_RESET_IP_RATE = env_str("PASSWORD_RESET_IP_RATE", "30/h")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Django's renderer with its select, option, input and textarea templates built in Python (same text).
FORM_RENDERER = "helpdesk.form_renderer.QuickRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache: Redis when available (presence warnings, rate limits), local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Django's Redis backend, with one client per connection pool instead of one per call (helpdesk/cache.py).
    CACHES = {"default": {"BACKEND": "helpdesk.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Celery: Redis when REDIS_URL is set; otherwise an embedded filesystem broker that `make run`
# serves with a worker and beat, so delayed and periodic jobs run without Redis too.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Publishing must not hang a web request when the broker is down: the sweepers re-queue later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False

# E-mail: SMTP when EMAIL_URL is set (smtp://user:pass@host:port, smtps:// for TLS); otherwise the
# local outbox, which the demo shows in the browser.
EMAIL_URL = env_str("EMAIL_URL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Latitude Support <support@latitude.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_URL:
    from urllib.parse import unquote, urlparse

    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "127.0.0.1"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "mailroom.backends.OutboxBackend"
IMAP_URL = env_str("IMAP_URL")
# Inbound mail stored from IMAP is flagged \Seen; with this set it is moved to that mailbox instead.
IMAP_PROCESSED_MAILBOX = env_str("IMAP_PROCESSED_MAILBOX", "")

# Customer portal: sign-in links by e-mail (minutes valid, once), requests per address and per client
# IP (django-ratelimit syntax), and how long after a solve a customer may reopen from the portal.
PORTAL_LINK_MINUTES = env_int("PORTAL_LINK_MINUTES", 30)
PORTAL_LINK_RATE_PER_ADDRESS = env_str("PORTAL_LINK_RATE_PER_ADDRESS", "5/h")
PORTAL_LINK_RATE_PER_IP = env_str("PORTAL_LINK_RATE_PER_IP", "30/h")
PORTAL_REOPEN_DAYS = env_int("PORTAL_REOPEN_DAYS", 14)
# Help centre: public pages and the suggestion API, per client IP.
KB_PUBLIC_RATE = env_str("KB_PUBLIC_RATE", "120/m")

SURVEY_DELAY_SECONDS = env_int("SURVEY_DELAY_SECONDS", 3600)
# Dashboards say "not enough answers to judge" below this many survey responses.
INSIGHTS_MIN_RESPONSES = env_int("INSIGHTS_MIN_RESPONSES", 30)
# A quarterly review shows an agent's satisfaction only from this many responses.
REVIEW_MIN_RESPONSES = env_int("REVIEW_MIN_RESPONSES", 5)
# Kudos points each person may give per month; 0: the company does not use points.
KUDOS_MONTHLY_POINTS = env_int("KUDOS_MONTHLY_POINTS", 0)
# An off-script request waiting this long for approval is escalated to the manager.
OFFSCRIPT_ESCALATE_AFTER_HOURS = env_int("OFFSCRIPT_ESCALATE_AFTER_HOURS", 24)
SURVEY_TOKEN_DAYS = env_int("SURVEY_TOKEN_DAYS", 30)
# Surveys due within this many seconds of a solve also get an ETA task (kept well under the broker's
# visibility timeout); later ones are sent by the sweeper (feedback.sweep_surveys, every 30 s).
SURVEY_ETA_MAX_SECONDS = env_int("SURVEY_ETA_MAX_SECONDS", 900)
# Public survey pages, per client IP (django-ratelimit, cache-backed).
SURVEY_RATE_LIMIT = env_str("SURVEY_RATE_LIMIT", "30/m")
# Outbound mail retries: first retry after this many seconds, doubling; a row "sending" for longer
# than MAIL_STUCK_AFTER_SECONDS is taken to belong to a dead worker and re-queued.
MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 30)
# One send attempt is bounded by EMAIL_TIMEOUT as a whole (not only per socket read: mailroom.services.
# _deadline), so a row still "sending" after twice that plus a margin belongs to a dead worker. With the
# 30 s sweeper a crashed worker's mail goes out within about a minute and a half of a live worker.
MAIL_STUCK_AFTER_SECONDS = env_int("MAIL_STUCK_AFTER_SECONDS", EMAIL_TIMEOUT * 2 + 30)
# A batch of surveys handed to the broker and still unclaimed after this is handed over again (claims are
# conditional UPDATEs, so a second hand-over never sends twice); follows from the same bound.
SURVEY_IN_FLIGHT_SECONDS = env_int("SURVEY_IN_FLIGHT_SECONDS", EMAIL_TIMEOUT * 2 + 30)

# Webhooks: hosts that may resolve to private or loopback addresses (e.g. an internal chat bridge);
# every other host must resolve to public addresses only. Retries: base·2^n seconds with jitter,
# capped, for WEBHOOK_RETRY_HOURS; a webhook failing this many deliveries in a row is switched off.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", [])
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env_int("WEBHOOK_CONNECT_TIMEOUT_SECONDS", 3)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 3600)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 25)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 100)
WEBHOOK_STUCK_AFTER_SECONDS = env_int("WEBHOOK_STUCK_AFTER_SECONDS", 120)

REST_FRAMEWORK = {
    # Token first: an unauthenticated call then gets 401 with `WWW-Authenticate: Token` (not 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "helpdesk.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "6000/min"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Latitude API",
    "DESCRIPTION": "Tickets, off-script actions, surveys, reports and kudos.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers (400, 401, 403, 404, 405, 409, 429) documented on every operation (helpdesk.api).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "helpdesk.api.add_error_responses"],
    # Several models have a `status`; each app names its own enum here so the schema stays stable.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Status",
        "ArticleVisibilityEnum": "kb.models.Visibility",
        "KudosVisibilityEnum": "recognition.models.Visibility",
        "WebhookEventEnum": "webhooks.models.EventType",
        "WebhookDeliveryStatusEnum": "webhooks.models.DeliveryStatus",
        "RuleEventEnum": "automations.models.Event",
    },
}

# Security: safe by default; production differs only by environment.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files (no inline
# script, no style attributes), images from ourselves or data: URIs, so a remote image in a customer's
# e-mail cannot tell its sender that an agent opened it; no page may be framed. The outbox's HTML preview
# sends its own, stricter policy (sandbox; mailroom.views.outbox_message_html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logs: one JSON object per line (LOG_FORMAT=json, the production default) with the request id
# (X-Request-ID, made up when absent) that web requests hand on to the Celery tasks they queue.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if LATITUDE_PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "helpdesk.observability.RequestIdFilter"},
        "redact_secrets": {"()": "helpdesk.log_filters.RedactSecrets"},
    },
    "formatters": {
        "json": {"()": "helpdesk.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # runserver's and gunicorn's access logs (bin/web: --access-logfile - logs through this logger)
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Errors to Sentry when SENTRY_DSN is set (Django and Celery integrations; no personal data sent).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production" if LATITUDE_PRODUCTION else "development"),
        release=env_str("SENTRY_RELEASE") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=env_int("SENTRY_TRACES_PERCENT", 0) / 100,
        send_default_pii=False,
    )

# Prometheus metrics at /metrics when METRICS_ENABLED=1 (django-prometheus). With several gunicorn
# workers set PROMETHEUS_MULTIPROC_DIR; with METRICS_TOKEN set the scraper must send it as a bearer.
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = env_str("METRICS_TOKEN")
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
