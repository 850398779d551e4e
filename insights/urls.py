from django.urls import path

from insights import ops_views, views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("surveys/", views.surveys, name="surveys"),
    path("export.csv", views.export_csv, name="export"),
    path("me/", views.me, name="me"),
    path("operations/", ops_views.operations_page, name="operations"),
    path("operations/tickets/", ops_views.operations_tickets, name="operations-tickets"),
    path("operations/export.csv", ops_views.operations_csv, name="operations-export"),
    path("scorecard/", ops_views.scorecard, name="scorecard"),
    path("scorecard/<id:user_id>/", ops_views.scorecard, name="scorecard-agent"),
]
