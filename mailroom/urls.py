from django.urls import path

from mailroom import views

app_name = "mailroom"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_message, name="outbox_message"),
    path("outbox/<int:pk>/html/", views.outbox_message_html, name="outbox_message_html"),
    path("outbox/<int:pk>/raw/", views.outbox_message_raw, name="outbox_message_raw"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<int:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/raw/", views.quarantine_raw, name="quarantine_raw"),
    path("quarantine/<int:pk>/retry/", views.quarantine_retry, name="quarantine_retry"),
    path("quarantine/<int:pk>/discard/", views.quarantine_discard, name="quarantine_discard"),
    path("ignored/", views.ignored, name="ignored"),
    path("ignored/<int:pk>/ticket/", views.ignored_to_ticket, name="ignored_to_ticket"),
    path("ignored/<int:pk>/allow/", views.ignored_allow, name="ignored_allow"),
    path("inline/<int:pk>/", views.inline_attachment, name="inline_attachment"),
]
