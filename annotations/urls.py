from django.urls import path

from annotations.views import annotate, articles, claims, consensus

urlpatterns = [
    path("", articles.article_index, name="article-list"),
    path("articles/new/", articles.article_new, name="article-new"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/revise/", annotate.article_revise_page, name="article-revise"),
    path("articles/<int:pk>/annotations/", annotate.annotation_add, name="annotation-create"),
    path("articles/<int:pk>/panel/", annotate.annotation_panel_view, name="annotation-panel"),
    path("articles/<int:pk>/live/", annotate.article_live, name="article-live"),
    path("articles/<int:pk>/consensus/", consensus.article_consensus_view, name="article-consensus"),
    path("articles/<int:pk>/vote/", consensus.vote_queue_page, name="vote-queue"),
    path("annotations/<int:pk>/edit/", annotate.annotation_edit, name="annotation-edit"),
    path("annotations/<int:pk>/delete/", annotate.annotation_remove, name="annotation-delete"),
    path("annotations/<int:pk>/links/", annotate.evidence_link_add, name="evidence-link-create"),
    path("claims/search/", annotate.claim_search, name="claim-search"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/sources/", claims.source_add, name="source-create"),
    path("claims/<int:pk>/passages/", claims.passage_search, name="passage-search"),
    path("claims/<int:pk>/consensus/", consensus.claim_consensus_view, name="claim-consensus"),
    path("claims/<int:pk>/vote/", consensus.claim_vote, name="claim-vote"),
    path("consensus/", consensus.corpus_view, name="consensus"),
]
