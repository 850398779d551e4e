from django.urls import path

from agents import views

app_name = "agents"

urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/delegate/", views.delegate, name="delegate"),
    path("approvals/read/", views.mark_read, name="mark_read"),
    path("audit/", views.audit, name="audit"),
    path("tickets/<id:ticket_pk>/actions/", views.record_action, name="record"),
    path("actions/<id:pk>/approve/", views.approve, name="approve"),
    path("actions/<id:pk>/reject/", views.reject, name="reject"),
    path("actions/<id:pk>/cancel/", views.cancel, name="cancel"),
]
