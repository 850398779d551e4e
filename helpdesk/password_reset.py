"""Staff reset a forgotten password by e-mail: Django's auth views, our one mail path (mailroom, sealed link
token, the person's own language), rate-limited, and the same answer whether or not the address is known."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from tickets.access import is_staff_member


def _rate(group, request) -> str:
    return settings.PASSWORD_RESET_RATE


def _ip_rate(group, request) -> str:
    return settings.PASSWORD_RESET_IP_RATE


def _address(group, request) -> str:
    return (request.POST.get("email") or "").strip().lower()


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        # Only staff sign in with a password; anyone else gets the same "check your e-mail" page and no mail.
        return (user for user in super().get_users(email) if is_staff_member(user))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from mailroom.models import OutboundKind
        from mailroom.rendering import render_email
        from mailroom.services import queue_email

        user = context["user"]
        profile = getattr(user, "profile", None)
        language = (profile.language if profile else "") or translation.get_language() or "en"
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        context = {**context, "reset_url": f"{settings.SITE_URL}{path}", "name": user.get_full_name()}
        subject, text, html = render_email("password-reset", context, language=language)
        queue_email(
            to=to_email,
            subject=subject,
            body_text=text,
            body_html=html,
            kind=OutboundKind.OTHER,
            language=language,
            secrets=[context["token"]],
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if is_ratelimited(request, group="auth.password-reset", key="ip", rate=_ip_rate, method="POST", increment=True):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many requests from your address. Please wait a while and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if is_ratelimited(
            request, group="auth.password-reset-address", key=_address, rate=_rate, method="POST", increment=True
        ):
            # Over the limit for this address: the same page as always, and no more mail to that inbox.
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
