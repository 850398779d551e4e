"""Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failures for one username within
LOGIN_LOCKOUT_MINUTES, that username is refused — even with the right password — for as long.

The page shows a form error; the API (`POST /api/auth/token/`) answers 429 with a JSON message.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check for every login that comes with a request (the page, the token endpoint).

    Logins without a request (a management command, the test client's `login`) carry no client to
    lock out and go straight to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message() -> str:
    return _("Too many failed sign-in attempts for this username. Try again in 15 minutes.")


def lockout_response(request: HttpRequest, response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "username": [lockout_message()]}, status=429)
    form = AuthenticationForm(request, data=request.POST or None)
    form.is_valid()  # fills the fields back in; the lockout makes it fail
    form.errors.clear()
    form.add_error(None, lockout_message())
    return render(request, "registration/login.html", {"form": form}, status=429)


def locked_out_response(request: HttpRequest, *, username: str) -> HttpResponse | None:
    """The API's answer when `username` is locked out (429 naming `username`), else None."""
    from axes.handlers.proxy import AxesProxyHandler

    if username and AxesProxyHandler.is_locked(request, credentials={"username": username}):
        return lockout_response(request)
    return None
