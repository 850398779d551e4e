from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="status"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="assign"),
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="priority"),
    path("tickets/<int:pk>/queue/", views.ticket_queue, name="queue"),
    path("tickets/<int:pk>/tags/", views.ticket_tags, name="tags"),
    path("tickets/<int:pk>/presence/", views.ticket_presence, name="presence"),
    path("tickets/<int:pk>/macros/<int:macro_pk>/", views.macro_preview, name="macro_preview"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("preferences/", views.preferences, name="preferences"),
    path("contact/", views.public_form, name="public_form"),
    path("contact/sent/", views.public_form_sent, name="public_form_sent"),
]
