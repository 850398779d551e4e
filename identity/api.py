"""POST /api/auth/token/ with the sign-in rules of the pages: local passwords off for staff, and a second factor
(`otp`: a code from the authenticator or a recovery code) for people who have or need two-factor sign-in."""

from __future__ import annotations

from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from helpdesk.lockout import locked_out_response
from identity import twofactor
from identity.backends import password_refused
from tickets.api import TokenView as PasswordTokenView


class TokenView(PasswordTokenView):
    """POST {username, password, otp?} → {"token": "..."}."""

    @extend_schema(
        summary="Exchange a username, password and (when two-factor is on) a one-time code for an API token",
        tags=["auth"],
        request={
            "application/json": {
                "type": "object",
                "properties": {
                    "username": {"type": "string"},
                    "password": {"type": "string"},
                    "otp": {"type": "string", "description": "TOTP or recovery code; required with two-factor"},
                },
                "required": ["username", "password"],
            }
        },
        responses={200: {"type": "object", "properties": {"token": {"type": "string"}}}},
    )
    def post(self, request, *args, **kwargs):
        username, locked = self.username_or_refusal(request)
        if locked is not None:
            return locked
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "identity_password_refused", False) or getattr(
                request._request, "identity_password_refused", False
            ):
                return Response({"username": [_("Staff sign in through single sign-on.")]}, status=400)
            return locked_out_response(request._request, username=username) or Response(
                serializer.errors, status=status.HTTP_400_BAD_REQUEST
            )
        user = serializer.validated_data["user"]
        if password_refused(user):  # belt and braces: the backend already refuses
            return Response({"username": [_("Staff sign in through single sign-on.")]}, status=400)
        has_device = twofactor.has_device(user)
        if has_device or twofactor.role_requires(user):
            if not has_device:
                return Response(
                    {"detail": _("Set up two-factor sign-in on the website before asking for an API token.")},
                    status=status.HTTP_403_FORBIDDEN,
                )
            code = str(request.data.get("otp", "")).strip()
            if not code:
                return Response({"otp": [_("This account uses two-factor sign-in: send a one-time code.")]}, status=400)
            if twofactor.match(user, code) is None:
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=request._request)
                return locked_out_response(request._request, username=username) or Response(
                    {"otp": [_("That code is not valid.")]}, status=400
                )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
