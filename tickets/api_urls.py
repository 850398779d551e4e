from django.urls import path

from tickets import api, api_tools

urlpatterns = [
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/bulk/", api_tools.BulkView.as_view(), name="api-tickets-bulk"),
    path("tickets/<id:pk>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<id:pk>/messages/", api.TicketMessagesView.as_view(), name="api-ticket-messages"),
    path("tickets/<id:pk>/merge/", api_tools.MergeView.as_view(), name="api-ticket-merge"),
    path("tickets/<id:pk>/split/", api_tools.SplitView.as_view(), name="api-ticket-split"),
    path("ticket-fields/", api_tools.TicketFieldListView.as_view(), name="api-ticket-fields"),
    path("ticket-fields/<slug:key>/", api_tools.TicketFieldDetailView.as_view(), name="api-ticket-field"),
]
