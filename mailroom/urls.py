from django.urls import path

from mailroom import views

app_name = "mailroom"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<id:pk>/", views.outbox_message, name="outbox_message"),
    path("outbox/<id:pk>/html/", views.outbox_message_html, name="outbox_message_html"),
    path("outbox/<id:pk>/raw/", views.outbox_message_raw, name="outbox_message_raw"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<id:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<id:pk>/raw/", views.quarantine_raw, name="quarantine_raw"),
    path("quarantine/<id:pk>/retry/", views.quarantine_retry, name="quarantine_retry"),
    path("quarantine/<id:pk>/discard/", views.quarantine_discard, name="quarantine_discard"),
    path("ignored/", views.ignored, name="ignored"),
    path("ignored/<id:pk>/ticket/", views.ignored_to_ticket, name="ignored_to_ticket"),
    path("ignored/<id:pk>/allow/", views.ignored_allow, name="ignored_allow"),
    path("inline/<id:pk>/", views.inline_attachment, name="inline_attachment"),
]
