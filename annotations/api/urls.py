from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from annotations.api.annotations import AnnotationViewSet
from annotations.api.articles import ArticleViewSet
from annotations.api.auth import TokenView
from annotations.api.claims import ClaimViewSet, EvidenceLinkViewSet, SearchView, SourceViewSet
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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("claims/<int:claim_id>/evidence/", evidence_list, name="api-claim-evidence-list"),
    path("claims/<int:claim_id>/evidence/<int:pk>/", evidence_detail, name="api-claim-evidence-detail"),
    path("claims/<int:claim_id>/sources/", source_list, name="api-claim-source-list"),
    path("claims/<int:claim_id>/sources/<int:pk>/", source_detail, name="api-claim-source-detail"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("claims/<int:claim_id>/vote/", VoteView.as_view(), name="api-claim-vote"),
    path("claims/<int:claim_id>/consensus/", ConsensusView.as_view(), name="api-claim-consensus"),
    path("articles/<int:article_id>/agreement/", AgreementView.as_view(), name="api-article-agreement"),
    path("consensus/", CorpusConsensusView.as_view(), name="api-consensus"),
    path("", include(router.urls)),
]
