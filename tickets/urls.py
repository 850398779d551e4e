from django.urls import path

from tickets import views, views_saved, views_tools

app_name = "tickets"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tickets/<id:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<id:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<id:pk>/status/", views.ticket_status, name="status"),
    path("tickets/<id:pk>/assign/", views.ticket_assign, name="assign"),
    path("tickets/<id:pk>/priority/", views.ticket_priority, name="priority"),
    path("tickets/<id:pk>/queue/", views.ticket_queue, name="queue"),
    path("tickets/<id:pk>/tags/", views.ticket_tags, name="tags"),
    path("tickets/<id:pk>/properties/", views.ticket_properties, name="properties"),
    path("tickets/<id:pk>/presence/", views.ticket_presence, name="presence"),
    path("tickets/<id:pk>/macros/<id:macro_pk>/", views.macro_preview, name="macro_preview"),
    path("tickets/<id:pk>/fields/", views_tools.ticket_fields, name="fields"),
    path("tickets/<id:pk>/follow/", views_tools.ticket_follow, name="follow"),
    path("tickets/<id:pk>/merge/", views_tools.ticket_merge, name="merge"),
    path("tickets/<id:pk>/split/", views_tools.ticket_split, name="split"),
    path("tickets/bulk/", views_tools.inbox_bulk, name="bulk"),
    path("tickets/export.csv", views_saved.inbox_export, name="export"),
    path("tickets/<id:pk>/updates/", views_tools.thread_updates, name="thread_updates"),
    path("views/", views_saved.view_create, name="view_create"),
    path("views/<id:pk>/", views_saved.view_edit, name="view_edit"),
    path("views/<id:pk>/delete/", views_saved.view_delete, name="view_delete"),
    path("mentions/", views_tools.mention_suggest, name="mention_suggest"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment"),
    path("customers/<id:pk>/", views.customer_detail, name="customer"),
    path("customers/<id:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("nav/", views.nav, name="nav"),
    path("start/", views.landing, name="landing"),
    path("preferences/", views.preferences, name="preferences"),
    path("contact/", views.public_form, name="public_form"),
    path("contact/sent/", views.public_form_sent, name="public_form_sent"),
]
