"""Second line of two-factor: a signed-in session that still needs its second factor reaches only the sign-in
steps. Covers every page, the Django admin and the session-authenticated API alike (token-authenticated API
calls are covered where tokens are issued: identity.api.TokenView)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from identity import twofactor

# Paths a session that still needs its second factor may reach: the steps themselves (not the settings that
# change the factor: new recovery codes, turning it off), leaving, the assets.
OPEN_PREFIXES = (
    "/account/two-factor/verify/",
    "/account/two-factor/enrol/",
    "/account/two-factor/qr.svg",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/livez",
    "/oidc/",
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path.startswith(OPEN_PREFIXES) or not twofactor.needs_verification(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Finish two-factor sign-in on the website first.")}, status=403)
        step = "identity:verify" if twofactor.session_has_device(request) else "identity:enrol"
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
