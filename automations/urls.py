from django.urls import path

from automations import views

app_name = "automations"
urlpatterns = [
    # The person's availability and out-of-office (every member of staff).
    path("me/availability/", views.availability, name="availability"),
    path("me/away/", views.away, name="away"),
    path("me/away/<str:user_id>/", views.away, name="away-for"),
    path("me/away/<str:user_id>/cancel/", views.away_cancel, name="away-cancel"),
    # Rules (admins and managers).
    path("", views.rule_list, name="list"),
    path("new/", views.rule_edit, name="new"),
    path("<str:pk>/", views.rule_edit, name="edit"),
    path("<str:pk>/toggle/", views.rule_toggle, name="toggle"),
    path("<str:pk>/move/", views.rule_move, name="move"),
    path("<str:pk>/delete/", views.rule_delete, name="delete"),
    path("<str:pk>/test/", views.rule_test, name="test"),
]
