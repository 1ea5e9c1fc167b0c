"""Votes and consensus: `POST /api/claims/{id}/vote/`, `GET /api/claims/{id}/consensus/`,
`GET /api/articles/{id}/agreement/`, `GET /api/consensus/`, and the consensus orderings of
`GET /api/claims/`.

A consensus that is missing or out of date is reported with status "updating" and null
numbers, never a stale number in their place; the last computed numbers are under `previous`.
"""
from django.db.models import F
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.cached import cached_response, claim_consensus_stamps
from annotations.api.errors import error_response
from annotations.models import ConsensusStatus, Tag
from annotations.selectors.consensus import (
    UPDATING,
    article_agreement,
    claim_consensus,
    corpus_consensus,
)
from annotations.services.consensus_queue import enqueue_article_agreement
from annotations.services.votes import VOTE_VALUES, ClaimNotFound, VoteError, vote_cast

STATUSES = [*ConsensusStatus.values, UPDATING]


class ConsensusOrderingFilter(filters.OrderingFilter):
    """`?ordering=` by consensus: `bridging_score`, `agree_share`, `votes`, `divisiveness`
    (prefix `-` for descending). Claims without a computed consensus come last either way."""

    FIELDS = {
        "bridging_score": "consensus__intercept",
        "agree_share": "consensus__agree_share",
        "votes": "consensus__votes",
        "divisiveness": "consensus__divisiveness",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Order by bridging_score (agreement across viewpoints), agree_share, votes or divisiveness; "
            "prefix with - for descending.",
        )
        super().__init__(fields=[(field, param) for param, field in self.FIELDS.items()], **kwargs)

    def get_ordering_value(self, param: str):
        descending = param.startswith("-")
        field = F(self.param_map[param.removeprefix("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class VoteRequestSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=list(VOTE_VALUES))


class VoteSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim_id")
    value = serializers.CharField(source="get_value_display")
    updated_at = serializers.DateTimeField()


class GroupShareSerializer(serializers.Serializer):
    group = serializers.IntegerField(help_text="Opinion group from the last refit; 0 is the largest.")
    members = serializers.IntegerField(help_text="Voters in the group.")
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    unsure = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="agree / the group's votes on the claim.")


class ConsensusNumbersSerializer(serializers.Serializer):
    votes = serializers.IntegerField(allow_null=True)
    agree = serializers.IntegerField(allow_null=True)
    disagree = serializers.IntegerField(allow_null=True)
    unsure = serializers.IntegerField(allow_null=True)
    agree_share = serializers.FloatField(allow_null=True, help_text="agree / votes; unsure votes count as not agreeing.")
    wilson_low = serializers.FloatField(allow_null=True, help_text="95% Wilson interval of the agree share.")
    wilson_high = serializers.FloatField(allow_null=True)
    intercept = serializers.FloatField(
        allow_null=True, help_text="Bridging score: agreement that no side explains (i_claim)."
    )
    factor = serializers.FloatField(allow_null=True, help_text="The side the claim appeals to (f_claim).")
    groups = GroupShareSerializer(many=True, allow_null=True)
    group_consensus = serializers.FloatField(allow_null=True, help_text="Polis' group-aware consensus.")
    divisiveness = serializers.FloatField(
        allow_null=True, help_text="Largest minus smallest (smoothed) agree share among the groups."
    )
    computed_at = serializers.DateTimeField(allow_null=True)


class ThresholdsSerializer(serializers.Serializer):
    min_votes = serializers.IntegerField()
    agree_intercept = serializers.FloatField()
    max_abs_factor = serializers.FloatField()
    reject_base = serializers.FloatField()
    reject_slope = serializers.FloatField()


class ClaimConsensusSerializer(ConsensusNumbersSerializer):
    claim = serializers.IntegerField()
    article = serializers.IntegerField()
    status = serializers.ChoiceField(choices=STATUSES)
    verdict = serializers.CharField(help_text="The status in words.")
    up_to_date = serializers.BooleanField()
    updating_since = serializers.DateTimeField(allow_null=True)
    previous = ConsensusNumbersSerializer(allow_null=True, help_text="While updating: the last computed numbers.")
    your_vote = serializers.CharField(allow_null=True, help_text="Your vote (agree, disagree or unsure), if any.")
    evidence_for = serializers.IntegerField()
    evidence_against = serializers.IntegerField()
    sources_supporting = serializers.IntegerField()
    sources_contradicting = serializers.IntegerField(help_text="Counter-sources.")
    thresholds = ThresholdsSerializer()


class VoteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=VoteRequestSerializer,
        responses={
            200: VoteSerializer,
            403: OpenApiResponse(description="Silenced or suspended: may not vote now."),
            404: OpenApiResponse(description="No such claim (or it is hidden)."),
        },
        description="Agree, disagree or be unsure about a claim. One vote per person and claim: voting "
        "again replaces it. The claim's consensus is recomputed in the background.",
    )
    def post(self, request: Request, claim_id: int) -> Response:
        serializer = VoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            vote = vote_cast(user=request.user, claim_id=claim_id, value=serializer.validated_data["value"])
        except ClaimNotFound as error:
            return error_response(status.HTTP_404_NOT_FOUND, str(error))
        except VoteError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return Response(VoteSerializer(vote).data)


class ConsensusView(APIView):
    @extend_schema(responses={200: ClaimConsensusSerializer, 404: OpenApiResponse(description="No such claim.")})
    def get(self, request: Request, claim_id: int) -> Response:
        """A claim's consensus: votes by kind, the agree share with its Wilson interval, the
        bridging verdict and score, how each opinion group voted, evidence and counter-sources."""
        stamps = claim_consensus_stamps(request, claim_id)
        if stamps is None:
            raise Http404("No such claim.")
        return cached_response(request, stamps, lambda: self._answer(request, claim_id))

    def _answer(self, request: Request, claim_id: int) -> Response:
        view = claim_consensus(claim_id, user=request.user)
        if view is None:
            raise Http404("No such claim.")
        return Response(ClaimConsensusSerializer(view).data)


class AgreementNumbersSerializer(serializers.Serializer):
    alpha = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha (nominal); null when no disagreement was possible."
    )
    reading = serializers.CharField(
        allow_null=True, help_text="reliable (alpha ≥ 0.8), tentative (≥ 0.667) or unreliable."
    )
    units = serializers.IntegerField(allow_null=True, help_text="Sentences tagged by at least two people.")
    taggers = serializers.IntegerField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class SentenceConsensusSerializer(serializers.Serializer):
    sentence = serializers.IntegerField()
    index = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    label = serializers.ChoiceField(choices=Tag.values, help_text="The consensus tag (Dawid–Skene).")
    confidence = serializers.FloatField(help_text="Posterior probability of that tag.")
    taggers = serializers.IntegerField()


class ArticleAgreementSerializer(AgreementNumbersSerializer):
    article = serializers.IntegerField()
    label_method = serializers.CharField(
        allow_null=True,
        help_text="How the consensus tags were found: dawid_skene (once the corpus has enough tagged "
        "sentences) or majority_vote.",
    )
    status = serializers.CharField(help_text="ready, or updating while the tags changed since it was computed.")
    up_to_date = serializers.BooleanField()
    sentences = SentenceConsensusSerializer(many=True, allow_null=True)
    previous = AgreementNumbersSerializer(allow_null=True)
    corpus = AgreementNumbersSerializer(allow_null=True, help_text="Over the whole corpus, as of the last refit.")


class AgreementView(APIView):
    @extend_schema(responses={200: ArticleAgreementSerializer, 404: OpenApiResponse(description="No such article.")})
    def get(self, request: Request, article_id: int) -> Response:
        """How far the article's taggers agree, and the consensus tag of each tagged sentence.
        When the tags changed since it was computed, a recompute is queued and the status is
        "updating"."""
        view = article_agreement(article_id)
        if view is None:
            raise Http404("No such article.")
        if not view.up_to_date:
            enqueue_article_agreement(article_id)
        return Response(ArticleAgreementSerializer(view).data)


class ClaimSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField()
    article_title = serializers.CharField()
    quote = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUSES)
    up_to_date = serializers.BooleanField()
    votes = serializers.IntegerField(allow_null=True)
    agree_share = serializers.FloatField(allow_null=True)
    intercept = serializers.FloatField(allow_null=True, help_text="Bridging score.")
    factor = serializers.FloatField(allow_null=True)
    divisiveness = serializers.FloatField(allow_null=True)


class RepeatedClaimSerializer(serializers.Serializer):
    quote = serializers.CharField()
    articles = serializers.IntegerField(help_text="Articles making this claim (same text, ignoring case).")
    claims = ClaimSummarySerializer(many=True)


class RefitSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    n_votes = serializers.IntegerField()
    n_users = serializers.IntegerField()
    n_claims = serializers.IntegerField()
    n_groups = serializers.IntegerField()
    group_sizes = serializers.ListField(child=serializers.IntegerField())
    thresholds = ThresholdsSerializer()


class CorpusConsensusSerializer(serializers.Serializer):
    bridging = ClaimSummarySerializer(
        many=True, help_text="Claims agreed across viewpoints (as last computed), best bridged first."
    )
    divisive = ClaimSummarySerializer(many=True, help_text="Most divisive between opinion groups first.")
    repeated = RepeatedClaimSerializer(many=True, help_text="The same claim text in several articles.")
    last_refit = RefitSerializer(allow_null=True)
    agreement = AgreementNumbersSerializer(allow_null=True, help_text="Tag agreement over the whole corpus.")


class CorpusParametersSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10, help_text="Claims per list.")


class CorpusConsensusView(APIView):
    @extend_schema(parameters=[CorpusParametersSerializer], responses=CorpusConsensusSerializer)
    def get(self, request: Request) -> Response:
        """Claims across all articles ranked by agreement across viewpoints, the most divisive
        claims, and the same claim text found in several articles."""
        parameters = CorpusParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        corpus = corpus_consensus(user=request.user, limit=parameters.validated_data["limit"])
        return Response(CorpusConsensusSerializer(corpus).data)
