"""/api/claims/: claims with their evidence and counter-sources; /api/search/: passages to cite.

Anyone reads; signed-in users link evidence and attach sources; only their authors (or a
moderator) remove them.
"""
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from annotations.api.errors import error_response
from annotations.api.hidden import HiddenMarkSerializer
from annotations.api.params import IdFilter, TextField
from annotations.api.votes import ConsensusOrderingFilter
from annotations.api.w3c import (
    JSONLDRenderer,
    W3CPagination,
    W3CSourceSerializer,
    annotation_page_serializer,
    wants_w3c,
)
from annotations.models import (
    Annotation,
    Article,
    Claim,
    EvidenceLink,
    Source,
    SourceStance,
    Stance,
)
from annotations.policy import hidden_filter
from annotations.selectors.annotations import current_selector
from annotations.selectors.claims import claim_list, corpus_search, evidence_list, source_list
from annotations.services.annotations import AlreadyPosted, AnnotationError
from annotations.services.claims import (
    evidence_link_create,
    evidence_link_delete,
    source_create,
    source_delete,
)
from annotations.text.notes import NOTE_MAX_CHARS

JSON, JSONLD = "application/json", JSONLDRenderer.media_type
_NOT_ALLOWED = OpenApiResponse(description="Not its author, nor a moderator.")


class ClaimSerializer(HiddenMarkSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-claim-detail")
    created = serializers.DateTimeField(source="created_at", read_only=True)
    annotation_count = serializers.IntegerField(read_only=True, help_text="Annotations tagging the span as a claim.")
    tagged_by = serializers.SerializerMethodField(help_text="Usernames of those who tagged it, first tagger first.")
    evidence_for = serializers.IntegerField(read_only=True, help_text="Evidence links that support it.")
    evidence_against = serializers.IntegerField(read_only=True, help_text="Evidence links that refute it.")
    source_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "url", "article", "quote", "start", "end", "created", "annotation_count", "tagged_by",
            "evidence_for", "evidence_against", "source_count", "hidden", "hidden_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {"start": {"help_text": "On the article's current text; null when orphaned."}}

    def get_tagged_by(self, claim: Claim) -> list[str]:
        return list(dict.fromkeys(annotation.author.username for annotation in claim.taggings))


class ClaimFilter(filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Article id.")
    ordering = ConsensusOrderingFilter()

    class Meta:
        model = Claim
        fields = ["article"]


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims: the propositions that claim-tagged spans make, one per span. Hidden claims are
    there only for their creators and moderators."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter

    def get_queryset(self):
        return claim_list(user=self.request.user)


class EvidenceSerializer(HiddenMarkSerializer, serializers.ModelSerializer):
    """The evidence annotation, where it is now."""

    article_title = serializers.CharField(source="article.title", read_only=True)
    quote = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id", "article", "article_title", "start", "end", "quote", "anchor_state", "author", "hidden",
            "hidden_reason",
        ]
        read_only_fields = fields

    def get_quote(self, annotation: Annotation) -> str:
        return current_selector(annotation).exact


class EvidenceLinkSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = EvidenceLink
        fields = ["id", "claim", "evidence", "stance", "note", "author", "created"]
        read_only_fields = fields


@extend_schema_serializer(component_name="EvidenceLink")  # documented as EvidenceLinkRequest
class EvidenceLinkCreateSerializer(serializers.Serializer):
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Annotation.objects.all(), help_text="Id of one of your annotations tagged evidence."
    )
    stance = serializers.ChoiceField(choices=Stance.choices)
    note = TextField(
        required=False, default="", allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_CHARS
    )


def _check_claim_exists(claim_id: int, user) -> None:
    """404 unless the claim exists and `user` may see it."""
    if not Claim.objects.filter(hidden_filter(user, author_field="created_by"), pk=claim_id).exists():
        raise Http404("No such claim.")


class OfAClaim:
    """Evidence and sources under /claims/<claim_id>/: the list and each item are a 404 unless
    the claim exists and the user may see it (the claim is looked up first, by its own key)."""

    def list(self, request: Request, claim_id: int) -> Response:
        _check_claim_exists(claim_id, request.user)
        return super().list(request)

    def get_object(self):
        _check_claim_exists(self.kwargs["claim_id"], self.request.user)
        return super().get_object()


class EvidenceLinkViewSet(OfAClaim, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence linked to a claim (from any article) as supporting or refuting it."""

    queryset = EvidenceLink.objects.none()  # for the schema; get_queryset() narrows to the claim
    serializer_class = EvidenceLinkSerializer

    def get_queryset(self):
        return evidence_list(self.kwargs["claim_id"], user=self.request.user)

    @extend_schema(
        request=EvidenceLinkCreateSerializer,
        responses={201: EvidenceLinkSerializer, 403: OpenApiResponse(description="Not your evidence.")},
        description="A claim that does not exist (or was deleted) is a 400 naming `claim`.",
    )
    def create(self, request: Request, claim_id: int) -> Response:
        serializer = EvidenceLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            link = evidence_link_create(
                author=request.user, evidence=data["evidence"], claim_id=claim_id, stance=data["stance"],
                note=data["note"],
            )
        except AnnotationError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return Response(self.get_serializer(self.get_queryset().get(pk=link.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 403: _NOT_ALLOWED})
    def destroy(self, request: Request, claim_id: int, pk: int) -> Response:
        evidence_link_delete(link=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PassageSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="passage_article_id")
    article_title = serializers.CharField(source="passage_article.title")
    revision = serializers.IntegerField(source="passage_revision_number", help_text="The offsets refer to it.")
    start = serializers.IntegerField(source="passage_start")
    end = serializers.IntegerField(source="passage_end")
    quote = serializers.CharField(source="passage_quote")


class SourceSerializer(HiddenMarkSerializer, serializers.ModelSerializer):
    passage = serializers.SerializerMethodField(help_text="For a passage of an article; null for a link.")
    author = serializers.CharField(source="author.username", read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Source
        fields = [
            "id", "claim", "kind", "stance", "url", "title", "passage", "note", "author", "created", "hidden",
            "hidden_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {"url": {"help_text": "The cited web page (never fetched); empty for a passage."}}

    @extend_schema_field(PassageSerializer(allow_null=True))
    def get_passage(self, source: Source) -> dict | None:
        return PassageSerializer(source).data if source.kind == Source.Kind.PASSAGE else None


@extend_schema_serializer(component_name="Source")  # documented as SourceRequest
class SourceCreateSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=SourceStance.choices)
    note = TextField(
        required=False, default="", allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_CHARS
    )
    url = TextField(
        required=False, default="", allow_blank=True, max_length=2000, help_text="A link: http(s) only."
    )
    title = TextField(
        required=False, default="", allow_blank=True, max_length=300,
        help_text="Required for a link; a passage defaults to its article's title.",
    )
    article = serializers.PrimaryKeyRelatedField(
        queryset=Article.objects.select_related("current_revision"), required=False,
        help_text="A passage: the article, with start and end on its current text.",
    )
    start = serializers.IntegerField(min_value=0, required=False)
    end = serializers.IntegerField(min_value=0, required=False)

    def validate(self, data: dict) -> dict:
        if "article" not in data and ({"start", "end"} & data.keys()):
            raise serializers.ValidationError({"article": ["A passage needs its article."]})
        return data


# The service names the passage's fields after the model; the API after the request.
_SOURCE_FIELDS = {"passage_article": "article", "passage_start": "start", "passage_end": "end"}


@extend_schema_view(
    list=extend_schema(
        responses={
            (200, JSON): SourceSerializer(many=True),
            (200, JSONLD): annotation_page_serializer(W3CSourceSerializer),
        }
    ),
    retrieve=extend_schema(responses={(200, JSON): SourceSerializer, (200, JSONLD): W3CSourceSerializer}),
)
class SourceViewSet(OfAClaim, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Counter-sources on a claim: a link to a web page (never fetched) or a passage of an
    article in the corpus. As W3C Web Annotations (`Accept: application/ld+json`) they are
    "linking" annotations on the claim's passage. Posting the same link (or passage) to the
    same claim again makes no second source: the answer is 200 with the existing one (201 is
    for a new one)."""

    queryset = Source.objects.none()  # for the schema; get_queryset() narrows to the claim
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, JSONLDRenderer]
    pagination_class = W3CPagination

    def get_queryset(self):
        sources = source_list(self.kwargs["claim_id"], user=self.request.user)
        if wants_w3c(self.request):
            sources = sources.prefetch_related("claim__article__current_revision")
        return sources

    def get_serializer_class(self):
        return W3CSourceSerializer if wants_w3c(self.request) else SourceSerializer

    @extend_schema(
        request=SourceCreateSerializer,
        responses={
            (201, JSON): SourceSerializer,
            (201, JSONLD): W3CSourceSerializer,
            (200, JSON): SourceSerializer,
            (200, JSONLD): W3CSourceSerializer,
        },
        description="Either `url` and `title`, or `article`, `start` and `end`. "
        "The same link or passage posted again by the same person answers 200 with the existing source. "
        "A claim that does not exist (or was deleted) is a 400 naming `claim`.",
    )
    def create(self, request: Request, claim_id: int) -> Response:
        serializer = SourceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            source = source_create(
                author=request.user, claim_id=claim_id, stance=data["stance"], url=data["url"],
                title=data["title"], note=data["note"], passage_article=data.get("article"),
                passage_start=data.get("start"), passage_end=data.get("end"),
            )
        except AlreadyPosted as error:
            source, code = error.existing, status.HTTP_200_OK
        except AnnotationError as error:
            field = _SOURCE_FIELDS.get(error.field, error.field)
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=field)
        else:
            code = status.HTTP_201_CREATED
        body = self.get_serializer(self.get_queryset().get(pk=source.pk)).data
        return Response(body, status=code)

    @extend_schema(responses={204: None, 403: _NOT_ALLOWED})
    def destroy(self, request: Request, claim_id: int, pk: int) -> Response:
        source_delete(source=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PassageHitSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    title = serializers.CharField(source="article_title")
    sentence = serializers.IntegerField(source="sentence_id", help_text="Sentence id.")
    start = serializers.IntegerField(help_text="Code point offset of the sentence in the article's current text.")
    end = serializers.IntegerField()
    text = serializers.CharField(help_text="The sentence.")


class SearchParametersSerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=200, help_text="Words to look for, ignoring case.")
    exclude_article = serializers.IntegerField(required=False, help_text="Leave this article out.")


class SearchView(APIView):
    """Sentences of the corpus (articles' current text) that contain `q`, at most 50: passages
    to cite as sources."""

    @extend_schema(parameters=[SearchParametersSerializer], responses=PassageHitSerializer(many=True))
    def get(self, request: Request) -> Response:
        parameters = SearchParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        hits = corpus_search(
            parameters.validated_data["q"], exclude_article_id=parameters.validated_data.get("exclude_article")
        )
        return Response(PassageHitSerializer(hits, many=True).data)
