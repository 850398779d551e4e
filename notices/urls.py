from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.mark_read, name="read"),
    path("email/", views.email_preferences, name="email"),
]
