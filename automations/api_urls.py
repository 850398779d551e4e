from django.urls import path

from automations import api

urlpatterns = [
    path("automations/", api.RuleList.as_view(), name="api-automations"),
    path("automations/<str:pk>/", api.RuleDetail.as_view(), name="api-automation"),
    path("me/", api.Me.as_view(), name="api-me"),
]
