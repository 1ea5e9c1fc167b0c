from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from annotations.api.annotations import AnnotationViewSet
from annotations.api.articles import ArticleViewSet
from annotations.api.auth import TokenView
from annotations.api.claims import ClaimViewSet, EvidenceLinkViewSet, SearchView, SourceViewSet
from annotations.api.comments import ClaimCommentsView, CommentDetailView, CommentHistoryView
from annotations.api.exports import ExportDetailView, ExportDownloadView, ExportListView
from annotations.api.flags import FlagView
from annotations.api.moderation import (
    LogView,
    QueueView,
    ResolveView,
    ThreadLockView,
    UserModerateView,
)
from annotations.api.notifications import NotificationListView, NotificationReadView
from annotations.api.votes import AgreementView, ConsensusView, CorpusConsensusView, VoteView

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="api-article")
router.register("annotations", AnnotationViewSet, basename="api-annotation")
router.register("claims", ClaimViewSet, basename="api-claim")

evidence_list = EvidenceLinkViewSet.as_view({"get": "list", "post": "create"})
evidence_detail = EvidenceLinkViewSet.as_view({"get": "retrieve", "delete": "destroy"})
source_list = SourceViewSet.as_view({"get": "list", "post": "create"})
source_detail = SourceViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from a URL: the CSP allows no inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("claims/<int:claim_id>/evidence/", evidence_list, name="api-claim-evidence-list"),
    path("claims/<int:claim_id>/evidence/<int:pk>/", evidence_detail, name="api-claim-evidence-detail"),
    path("claims/<int:claim_id>/sources/", source_list, name="api-claim-source-list"),
    path("claims/<int:claim_id>/sources/<int:pk>/", source_detail, name="api-claim-source-detail"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("claims/<int:claim_id>/vote/", VoteView.as_view(), name="api-claim-vote"),
    path("claims/<int:claim_id>/consensus/", ConsensusView.as_view(), name="api-claim-consensus"),
    path("articles/<int:article_id>/agreement/", AgreementView.as_view(), name="api-article-agreement"),
    path("consensus/", CorpusConsensusView.as_view(), name="api-consensus"),
    path("claims/<int:claim_id>/comments/", ClaimCommentsView.as_view(), name="api-claim-comments"),
    path("comments/<int:pk>/", CommentDetailView.as_view(), name="api-comment-detail"),
    path("comments/<int:pk>/history/", CommentHistoryView.as_view(), name="api-comment-history"),
    path("notifications/", NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", NotificationReadView.as_view(), name="api-notifications-read"),
    path("flags/", FlagView.as_view(), name="api-flags"),
    path("moderation/queue/", QueueView.as_view(), name="api-moderation-queue"),
    path("moderation/queue/<int:item_id>/resolve/", ResolveView.as_view(), name="api-moderation-resolve"),
    path("moderation/log/", LogView.as_view(), name="api-moderation-log"),
    path("claims/<int:claim_id>/lock/", ThreadLockView.as_view(lock=True), name="api-claim-lock"),
    path("claims/<int:claim_id>/unlock/", ThreadLockView.as_view(lock=False), name="api-claim-unlock"),
    path("users/<str:username>/moderate/", UserModerateView.as_view(), name="api-user-moderate"),
    path("exports/", ExportListView.as_view(), name="api-export-list"),
    path("exports/<int:pk>/", ExportDetailView.as_view(), name="api-export-detail"),
    path("exports/<int:pk>/download/", ExportDownloadView.as_view(), name="api-export-download"),
    path("", include(router.urls)),
]
