from django.urls import path

from feedback import api

urlpatterns = [
    path("surveys/", api.SurveyListView.as_view(), name="api-surveys"),
]
