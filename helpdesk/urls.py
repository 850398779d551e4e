from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path, re_path, register_converter
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from helpdesk import health, password_reset
from helpdesk.ids import IdConverter
from identity.api import TokenView
from identity.views import LoginView

# `<id:pk>`: numbers that fit a database id (helpdesk.ids); registered before the apps' URL modules load.
register_converter(IdConverter, "id")


@require_http_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@csrf_exempt  # it changes nothing: an unsafe method to an unknown address is a JSON 404, not the CSRF page
def api_not_found(request, *args, **kwargs):
    """Unknown addresses under /api/ answer in JSON like the rest of the API."""
    detail = "Not found."
    if not request.path.endswith("/"):
        detail += f" API addresses end with a slash: {request.path}/"
    return JsonResponse({"detail": detail}, status=404)


api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="schema", template_name="helpdesk/swagger.html"),
        name="api-docs",
    ),
    path("", include("tickets.api_urls")),
    path("", include("agents.api_urls")),
    path("", include("feedback.api_urls")),
    path("", include("insights.api_urls")),
    path("", include("recognition.api_urls")),
    path("", include("kb.api_urls")),
    path("", include("webhooks.api_urls")),
    path("", include("automations.api_urls")),
    path("", include("privacy.api_urls")),
    # Last: any other address under /api/ answers in JSON too, not with the HTML 404 page.
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/two-factor/", include("identity.urls")),
    # OpenID Connect: /oidc/authenticate/ (to the provider), /oidc/callback/ (back from it), /oidc/logout/
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("accounts/password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(api_patterns)),
    path("notices/", include("notices.urls")),
    path("mail/", include("mailroom.urls")),
    path("discretion/", include("agents.urls")),
    path("", include("feedback.urls")),
    path("colleagues/", include("recognition.urls")),
    path("insights/", include("insights.urls")),
    path("portal/", include("portal.urls")),
    path("", include("kb.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("audit/", include("audit.urls")),
    path("automations/", include("automations.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("tickets.urls")),
]

if settings.LATITUDE_BENCH:
    # The benchmark's reference view (bench/workbench.py); absent unless LATITUDE_BENCH=1.
    from bench._views import reference

    urlpatterns.insert(0, path("bench/reference/", reference, name="bench-reference"))

if settings.METRICS_ENABLED:
    # Prometheus scrapes /metrics (django-prometheus); with METRICS_TOKEN set, only with that bearer token.
    urlpatterns.insert(0, path("metrics", health.metrics, name="metrics"))
