from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<id:pk>/", views.webhook_detail, name="detail"),
    path("<id:pk>/toggle/", views.webhook_toggle, name="toggle"),
    path("<id:pk>/delete/", views.webhook_delete, name="delete"),
    path("<id:pk>/deliveries/<str:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
]
