"""Latitude settings: one module, everything that differs between machines comes from the environment.

Embedded default (no environment): SQLite file, Celery on a filesystem broker run by `make run`,
e-mail into the local outbox. With DATABASE_URL / REDIS_URL / EMAIL_URL set: PostgreSQL, Redis and SMTP.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from helpdesk.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LATITUDE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("LATITUDE_PRODUCTION", False):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # Development and tests only: a fixed, obviously-insecure key.
    SECRET_KEY = "django-insecure-latitude-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

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
    "helpdesk",
    # Latitude, in dependency order: each app may use the ones above it, never below.
    "notices",
    "tickets",
    "mailroom",
    "agents",
    "feedback",
    "insights",
    "recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tickets.middleware.UserPreferencesMiddleware",
]

# Benchmark only (bench/workbench.py): an X-Query-Count header on every response and the
# reference view at /bench/reference/. Never set in production.
LATITUDE_BENCH = env_bool("LATITUDE_BENCH", False)
if LATITUDE_BENCH:
    MIDDLEWARE.insert(0, "helpdesk.middleware.QueryCountMiddleware")

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
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "latitude.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: every screen translatable, times stored in UTC, shown in the viewer's zone.
LANGUAGE_CODE = "en"
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
# The public contact form: posts per client IP (django-ratelimit syntax, counted in the cache).
CONTACT_FORM_RATE = env_str("CONTACT_FORM_RATE", "10/h")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache: Redis when available (presence warnings, rate limits), local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
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

SURVEY_DELAY_SECONDS = env_int("SURVEY_DELAY_SECONDS", 3600)
SURVEY_TOKEN_DAYS = env_int("SURVEY_TOKEN_DAYS", 30)
# Surveys due within this many seconds of a solve also get an ETA task (kept well under the broker's
# visibility timeout); later ones are sent by the sweeper (feedback.sweep_surveys, every 30 s).
SURVEY_ETA_MAX_SECONDS = env_int("SURVEY_ETA_MAX_SECONDS", 900)
# Public survey pages, per client IP (django-ratelimit, cache-backed).
SURVEY_RATE_LIMIT = env_str("SURVEY_RATE_LIMIT", "30/m")
# Outbound mail retries: first retry after this many seconds, doubling; a row "sending" for longer
# than MAIL_STUCK_AFTER_SECONDS is taken to belong to a dead worker and re-queued.
MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 30)
MAIL_STUCK_AFTER_SECONDS = env_int("MAIL_STUCK_AFTER_SECONDS", 600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
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
    # Several models have a `status`; each app names its own enum here so the schema stays stable.
    "ENUM_NAME_OVERRIDES": {"TicketStatusEnum": "tickets.models.Status"},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
