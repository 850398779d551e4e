from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The password form; says so when staff must use single sign-on instead of a plain "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "identity_password_refused", False):
                raise ValidationError(
                    _("Staff sign in with %(provider)s, not with a password here."),
                    code="sso_only",
                    params={"provider": settings.OIDC_PROVIDER_NAME},
                ) from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
