"""Two-factor sign-in for local accounts (django-otp): a TOTP device plus one-time recovery codes.

Who needs it: everyone with a confirmed device, and every role in TWO_FACTOR_REQUIRED_ROLES (they must enrol
before anything else). A session is verified once a code was accepted in it, or when the identity provider
signed the person in (identity.oidc.SSO_SESSION_KEY): their second factor is the provider's business."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from identity.oidc import SSO_SESSION_KEY
from tickets.access import has_role

RECOVERY_DEVICE_NAME = "recovery"
TOTP_DEVICE_NAME = "authenticator"
# Cached per session (set at sign-in and enrolment): whether the person has a confirmed authenticator.
HAS_DEVICE_SESSION_KEY = "identity_has_device"


def role_requires(user) -> bool:
    roles = settings.TWO_FACTOR_REQUIRED_ROLES
    return bool(roles) and has_role(user, *roles)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_has_device(request: HttpRequest) -> bool:
    cached = request.session.get(HAS_DEVICE_SESSION_KEY)
    if cached is None:
        cached = has_device(request.user)
        request.session[HAS_DEVICE_SESSION_KEY] = cached
    return cached


def remember_device_at_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[HAS_DEVICE_SESSION_KEY] = has_device(user)


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(SSO_SESSION_KEY)) or request.user.is_verified()


def needs_verification(request: HttpRequest) -> bool:
    """True while this signed-in session must still pass (or set up) its second factor."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    return role_requires(user) or session_has_device(request)


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per person, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code (segno), for the enrolment page's <img>."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


@transaction.atomic
def confirm_enrolment(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a code from it: replaces any earlier one, issues fresh recovery codes,
    verifies this session. Returns the recovery codes (shown once), or None for a wrong code."""
    user = request.user
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user=user)
    otp_login(request, device)
    request.session[HAS_DEVICE_SESSION_KEY] = True
    audit.record(kind="twofactor.enrol", obj=user, by=user, data={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Replace the person's recovery codes; each works once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def match(user, code: str):
    """The device (authenticator or recovery codes) that accepts `code`, or None. A recovery code is used up."""
    code = (code or "").strip().replace(" ", "").replace("-", "")
    if not code:
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if code.isdigit() and device.verify_token(code):
                return device
        for device in StaticDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def verify(*, request: HttpRequest, code: str) -> bool:
    """Check the second factor of the signed-in person; a wrong code counts as a failed sign-in (django-axes)."""
    device = match(request.user, code)
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)
        return False
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        audit.record(
            kind="twofactor.recovery_used",
            obj=request.user,
            by=request.user,
            data={"left": recovery_codes_left(request.user)},
        )
    return True


@transaction.atomic
def disable(*, user, by) -> None:
    """Remove the person's authenticator and recovery codes (themselves when their role allows it, or an admin)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(kind="twofactor.disable", obj=user, by=by)
