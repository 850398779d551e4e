"""The benchmark's second server (bench/workbench.py): Latitude's settings with the middleware a new
Django project starts with (`startproject`), and the query counter. The reference view served by it
beside the same view through Latitude's full stack measures what the stack costs per request.
(A leading underscore keeps `python -m bench` from taking this module for a benchmark.)"""

from helpdesk.settings import *  # noqa: F403

MIDDLEWARE = [
    "bench.middleware.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
