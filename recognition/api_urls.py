from django.urls import path

from recognition import api

urlpatterns = [
    path("kudos/", api.KudosListView.as_view(), name="api-kudos"),
]
