from django.urls import path

from annotations.views import annotate, articles, claims

urlpatterns = [
    path("", articles.article_index, name="article-list"),
    path("articles/new/", articles.article_new, name="article-new"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/revise/", annotate.article_revise_page, name="article-revise"),
    path("articles/<int:pk>/annotations/", annotate.annotation_add, name="annotation-create"),
    path("articles/<int:pk>/panel/", annotate.annotation_panel_view, name="annotation-panel"),
    path("articles/<int:pk>/live/", annotate.article_live, name="article-live"),
    path("annotations/<int:pk>/edit/", annotate.annotation_edit, name="annotation-edit"),
    path("annotations/<int:pk>/delete/", annotate.annotation_remove, name="annotation-delete"),
    path("annotations/<int:pk>/links/", annotate.evidence_link_add, name="evidence-link-create"),
    path("claims/search/", annotate.claim_search, name="claim-search"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/sources/", claims.source_add, name="source-create"),
    path("claims/<int:pk>/passages/", claims.passage_search, name="passage-search"),
]
