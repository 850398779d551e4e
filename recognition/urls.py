from django.urls import path

from recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("kudos/give/", views.give, name="give"),
    path("kudos/<id:pk>/", views.kudos_detail, name="kudos"),
    path("kudos/<id:pk>/react/", views.react, name="react"),
    path("kudos/<id:pk>/comment/", views.comment, name="comment"),
    path("praise/<id:survey_pk>/share/", views.share_praise, name="share_praise"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/celebrations/", views.celebrations, name="celebrations"),
    path("internal/", views.internal_home, name="internal_home"),
    path("internal/from/<id:ticket_pk>/", views.internal_new, name="internal_new"),
    path("internal/<id:ticket_pk>/rate/", views.internal_rate, name="internal_rate"),
    path("internal/department/<slug:slug>/", views.internal_department, name="internal_department"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/prepare/", views.reviews_prepare, name="reviews_prepare"),
    path("reviews/<id:pk>/", views.review_detail, name="review"),
    path("reviews/<id:pk>/reflection/", views.review_reflection, name="review_reflection"),
    path("reviews/<id:pk>/lead/", views.review_lead, name="review_lead"),
    path("reviews/<id:pk>/answer/", views.review_answer, name="review_answer"),
    path("reviews/<id:pk>/sign/", views.review_sign, name="review_sign"),
    path("reviews/<id:pk>/pdf/", views.review_pdf, name="review_pdf"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/new/", views.announcement_new, name="announcement_new"),
    path("announcements/<id:pk>/", views.announcement_detail, name="announcement"),
    path("announcements/<id:pk>/read/", views.announcement_read, name="announcement_read"),
    path("announcements/<id:pk>/ack/", views.announcement_ack, name="announcement_ack"),
    path("announcements/<id:pk>/readers/", views.announcement_readers, name="announcement_readers"),
]
