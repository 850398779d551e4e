from django.urls import path

from webhooks import api

urlpatterns = [
    path("webhooks/", api.WebhookListView.as_view(), name="api-webhooks"),
    path("webhooks/<str:pk>/", api.WebhookDetailView.as_view(), name="api-webhook"),
    path("webhooks/<str:pk>/deliveries/", api.DeliveryListView.as_view(), name="api-webhook-deliveries"),
    path(
        "webhooks/<str:pk>/deliveries/<str:delivery_id>/redeliver/",
        api.RedeliverView.as_view(),
        name="api-webhook-redeliver",
    ),
]
