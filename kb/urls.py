from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("help/", views.help_centre, name="help"),
    path("help/articles/<id:pk>/", views.article_page, name="article"),
    path("help/articles/<id:pk>/feedback/", views.article_feedback, name="feedback"),
    path("help/articles/<id:pk>/acknowledge/", views.article_acknowledge, name="acknowledge"),
    path("help/articles/<id:pk>/confirmations/", views.article_confirmations, name="confirmations"),
    path("help/articles/<id:pk>/solved/", views.article_solved, name="solved"),
    path("help/composer/<id:ticket_pk>/", views.composer_search, name="composer_search"),
    path("help/report/", views.report, name="report"),
]
