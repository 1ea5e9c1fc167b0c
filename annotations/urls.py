from django.urls import path

from annotations.views import articles

urlpatterns = [
    path("", articles.article_index, name="article-list"),
    path("articles/new/", articles.article_new, name="article-new"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
]
