from django.urls import path
from rest_framework.routers import SimpleRouter

from agents import api

router = SimpleRouter()
router.register("offscript-actions", api.OffscriptActionViewSet, basename="offscript-action")

urlpatterns = [
    path("discretion/me/", api.DiscretionMeView.as_view(), name="discretion-me"),
    *router.urls,
]
