"""Sign-in pages: the login page (password, and the provider's button), the second-factor step, enrolment
with a QR code, and the person's own two-factor settings."""

from __future__ import annotations

import base64

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.lockout import lockout_response
from identity import oidc, twofactor
from identity.forms import CodeForm, EnrolForm, LoginForm
from tickets.access import staff_required


class LoginView(DjangoLoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_provider"] = settings.OIDC_PROVIDER_NAME if oidc.is_configured() else ""
        return context


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _locked(request: HttpRequest) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": request.user.get_username()})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def verify(request: HttpRequest) -> HttpResponse:
    """The step after the password: a code from the authenticator, or a recovery code (each works once)."""
    if not twofactor.needs_verification(request):
        return redirect(_next_url(request))
    if not twofactor.session_has_device(request):
        return redirect("identity:enrol")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _locked(request):
            logout(request)
            return lockout_response(request)
        if form.is_valid() and twofactor.verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        if _locked(request):  # that wrong code was the last one allowed
            logout(request)
            return lockout_response(request)
        form.add_error("code", _("That code is not valid. Try the current one from the app."))
        status = 400
    return render(request, "identity/verify.html", {"form": form, "next": _next_url(request)}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: scan the QR code, type a code from the app, get recovery codes (shown once)."""
    if twofactor.session_has_device(request) and not twofactor.is_verified(request):
        return redirect("identity:verify")  # replacing an authenticator needs the current one first
    device = twofactor.pending_device(request.user)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "identity/recovery_codes.html", {"codes": codes, "next": _next_url(request), "new": True}
            )
        form.add_error("code", _("That code is not valid. Check the time on your phone and try again."))
    if request.method == "POST":
        status = 400
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": twofactor.role_requires(request.user),
        "next": _next_url(request),
    }
    return render(request, "identity/enrol.html", context, status=status)


@never_cache
@require_GET
@staff_required
def qr_code(request: HttpRequest) -> HttpResponse:
    """The QR code of the authenticator being set up, as SVG (drawn here; no outside service sees the secret)."""
    if twofactor.session_has_device(request) and not twofactor.is_verified(request):
        return HttpResponse(status=404)
    svg = twofactor.qr_svg(twofactor.pending_device(request.user))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "has_device": twofactor.has_device(request.user),
        "required": twofactor.role_requires(request.user),
        "codes_left": twofactor.recovery_codes_left(request.user),
        "sso": bool(request.session.get(oidc.SSO_SESSION_KEY)),
    }
    return render(request, "identity/overview.html", context)


@require_POST
@staff_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Fresh recovery codes (the old ones stop working), shown once."""
    if not twofactor.has_device(request.user):
        return redirect("identity:enrol")
    codes = twofactor.new_recovery_codes(user=request.user)
    return render(request, "identity/recovery_codes.html", {"codes": codes, "next": settings.LOGIN_REDIRECT_URL})


@require_POST
@staff_required
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor off for oneself: only where one's role does not require it."""
    if twofactor.role_requires(request.user):
        messages.error(request, _("Your role requires two-factor sign-in; it stays on."))
        return redirect("identity:overview")
    twofactor.disable(user=request.user, by=request.user)
    request.session[twofactor.HAS_DEVICE_SESSION_KEY] = False
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("identity:overview")
