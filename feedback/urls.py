from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("survey/<str:token>/", views.survey_page, name="survey"),
    path("survey/<str:token>/thanks/", views.survey_thanks, name="thanks"),
    path("survey/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("feedback/", views.my_feedback, name="mine"),
    path("feedback/notices/read/", views.mark_read, name="mark_read"),
    path("feedback/surveys/", views.survey_list, name="list"),
]
