from django.urls import path

from tickets import views, views_saved, views_tools

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
    path("tickets/<int:pk>/fields/", views_tools.ticket_fields, name="fields"),
    path("tickets/<int:pk>/follow/", views_tools.ticket_follow, name="follow"),
    path("tickets/<int:pk>/merge/", views_tools.ticket_merge, name="merge"),
    path("tickets/<int:pk>/split/", views_tools.ticket_split, name="split"),
    path("tickets/bulk/", views_tools.inbox_bulk, name="bulk"),
    path("tickets/export.csv", views_saved.inbox_export, name="export"),
    path("tickets/<int:pk>/updates/", views_tools.thread_updates, name="thread_updates"),
    path("views/", views_saved.view_create, name="view_create"),
    path("views/<int:pk>/", views_saved.view_edit, name="view_edit"),
    path("views/<int:pk>/delete/", views_saved.view_delete, name="view_delete"),
    path("mentions/", views_tools.mention_suggest, name="mention_suggest"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("preferences/", views.preferences, name="preferences"),
    path("contact/", views.public_form, name="public_form"),
    path("contact/sent/", views.public_form_sent, name="public_form_sent"),
]
