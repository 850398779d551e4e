from django.urls import path

from tickets import api, api_tools

urlpatterns = [
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/bulk/", api_tools.BulkView.as_view(), name="api-tickets-bulk"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<int:pk>/messages/", api.TicketMessagesView.as_view(), name="api-ticket-messages"),
    path("tickets/<int:pk>/merge/", api_tools.MergeView.as_view(), name="api-ticket-merge"),
    path("tickets/<int:pk>/split/", api_tools.SplitView.as_view(), name="api-ticket-split"),
    path("ticket-fields/", api_tools.TicketFieldListView.as_view(), name="api-ticket-fields"),
    path("ticket-fields/<slug:key>/", api_tools.TicketFieldDetailView.as_view(), name="api-ticket-field"),
]
