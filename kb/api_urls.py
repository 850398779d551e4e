from django.urls import path

from kb import api

urlpatterns = [
    path("kb/articles/", api.ArticleList.as_view(), name="kb-articles"),
    path("kb/articles/<id:pk>/", api.ArticleDetail.as_view(), name="kb-article"),
    path("kb/suggest/", api.Suggest.as_view(), name="kb-suggest"),
]
