from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from identity import twofactor

        # Whether the person has an authenticator, looked up once per sign-in rather than on a later request.
        user_logged_in.connect(twofactor.remember_device_at_login, dispatch_uid="identity.remember_device")
