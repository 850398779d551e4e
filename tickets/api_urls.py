from django.urls import path

from tickets import api

urlpatterns = [
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<int:pk>/messages/", api.TicketMessagesView.as_view(), name="api-ticket-messages"),
]
