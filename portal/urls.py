from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<id:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<id:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<id:pk>/reopen/", views.ticket_reopen, name="reopen"),
    path("tickets/<id:pk>/survey/", views.ticket_survey, name="survey"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment"),
]
