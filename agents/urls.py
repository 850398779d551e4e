from django.urls import path

from agents import views

app_name = "agents"

urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/delegate/", views.delegate, name="delegate"),
    path("approvals/read/", views.mark_read, name="mark_read"),
    path("audit/", views.audit, name="audit"),
    path("tickets/<int:ticket_pk>/actions/", views.record_action, name="record"),
    path("actions/<int:pk>/approve/", views.approve, name="approve"),
    path("actions/<int:pk>/reject/", views.reject, name="reject"),
    path("actions/<int:pk>/cancel/", views.cancel, name="cancel"),
]
