"""/api/annotations/: tag passages of articles; read anyone's, edit and delete one's own.

Offsets are code point indexes into the article's current text. JSON by default; W3C Web
Annotations with `Accept: application/ld+json` (see annotations.api.w3c).
"""
from functools import partial

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from annotations.api.cached import annotation_list_stamps, cached_response
from annotations.api.errors import error_response
from annotations.api.hidden import HiddenMarkSerializer
from annotations.api.params import BooleanFilter, IdFilter, TextField
from annotations.api.w3c import (
    JSONLDRenderer,
    W3CAnnotationSerializer,
    W3CPagination,
    W3CTargetSerializer,
    annotation_page_serializer,
    target_span,
    wants_w3c,
)
from annotations.models import AnchorState, Annotation, AnnotationEdit, Article, Tag
from annotations.roles import is_moderator
from annotations.selectors.annotations import annotation_history, annotation_list, current_selector
from annotations.services.annotations import (
    AlreadyPosted,
    AnnotationError,
    annotation_create,
    annotation_delete,
    annotation_update,
)
from annotations.text.notes import NOTE_MAX_CHARS

JSON, JSONLD = "application/json", JSONLDRenderer.media_type


class AnnotationSerializer(HiddenMarkSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-annotation-detail")
    revision = serializers.SerializerMethodField(help_text="The revision `start` and `end` refer to: the current one.")
    quote = serializers.SerializerMethodField(help_text="The text at [start, end); an orphan's original quote.")
    prefix = serializers.SerializerMethodField(help_text="Up to 32 characters before the quote.")
    suffix = serializers.SerializerMethodField(help_text="Up to 32 characters after the quote.")
    sentences = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Ids of the covered sentences.")
    author = serializers.CharField(source="author.username", read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    modified = serializers.DateTimeField(source="updated_at", read_only=True)
    claim = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The claim a claim-tagged span makes (null for other tags)."
    )

    class Meta:
        model = Annotation
        fields = [
            "id", "url", "article", "revision", "start", "end", "quote", "prefix", "suffix", "sentences",
            "tag", "note", "note_html", "author", "created", "modified", "anchor_state", "claim",
            "hidden", "hidden_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {"start": {"help_text": "Null when orphaned."}, "end": {"help_text": "Null when orphaned."}}

    def get_revision(self, annotation: Annotation) -> int:
        return annotation.anchored_revision.number

    def get_quote(self, annotation: Annotation) -> str:
        return current_selector(annotation).exact

    def get_prefix(self, annotation: Annotation) -> str:
        return current_selector(annotation).prefix

    def get_suffix(self, annotation: Annotation) -> str:
        return current_selector(annotation).suffix


class AnnotationCreateSerializer(serializers.Serializer):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.select_related("current_revision"))
    start = serializers.IntegerField(min_value=0, required=False, help_text="Code point offset, inclusive.")
    end = serializers.IntegerField(min_value=0, required=False, help_text="Code point offset, exclusive.")
    revision = serializers.IntegerField(
        min_value=1, required=False,
        help_text="The revision the offsets (or target) refer to; default the current one. "
        "Spans on an older revision are re-anchored onto the current text.",
    )
    quote = TextField(
        required=False, trim_whitespace=False, help_text="If given, must equal the text at [start, end)."
    )
    target = W3CTargetSerializer(
        required=False,
        help_text="Instead of start/end: W3C selectors. A TextQuoteSelector is looked for in the text; "
        "with a TextPositionSelector too, the position stands if it holds the quote.",
    )
    tag = serializers.ChoiceField(choices=Tag.choices)
    note = TextField(
        required=False, default="", allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_CHARS,
        help_text="Markdown.",
    )

    def validate(self, data: dict) -> dict:
        target = data.pop("target", None)
        if target is None:
            missing = {name: ["Give start and end, or a target."] for name in ("start", "end") if name not in data}
            if missing:
                raise serializers.ValidationError(missing)
            return data
        if {"start", "end", "quote"} & data.keys():
            raise serializers.ValidationError({"target": ["Give a target or start and end, not both."]})
        article, number = data["article"], data.get("revision")
        revision = article.current_revision if number is None else article.revisions.filter(number=number).first()
        if revision is None:
            raise serializers.ValidationError({"revision": [f"The article has no revision {number}."]})
        data["start"], data["end"] = target_span(revision.text, target["selector"])
        return data


class AnnotationUpdateSerializer(serializers.Serializer):
    tag = serializers.ChoiceField(choices=Tag.choices, required=False)
    note = TextField(required=False, allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_CHARS)


class AnnotationEditSerializer(serializers.ModelSerializer):
    editor = serializers.CharField(source="editor.username", read_only=True, allow_null=True, default=None)
    edited = serializers.DateTimeField(source="edited_at", read_only=True)

    class Meta:
        model = AnnotationEdit
        fields = ["editor", "edited", "tag", "note"]
        read_only_fields = fields


class AnnotationFilter(filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Article id.")
    tag = filters.ChoiceFilter(choices=Tag.choices)
    author = filters.CharFilter(field_name="author__username", help_text="Username.")
    mine = BooleanFilter(method="filter_mine", help_text="true: only the signed-in user's annotations.")
    anchor_state = filters.ChoiceFilter(choices=AnchorState.choices, help_text="orphaned: lost in a revision.")

    class Meta:
        model = Annotation
        fields = ["article", "tag", "author", "mine", "anchor_state"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(author=user) if user.is_authenticated else queryset.none()


AnnotationPageSerializer = annotation_page_serializer(W3CAnnotationSerializer)
_NOT_ALLOWED = OpenApiResponse(description="Not the author, nor a moderator.")


@extend_schema_view(
    list=extend_schema(
        responses={(200, JSON): AnnotationSerializer(many=True), (200, JSONLD): AnnotationPageSerializer}
    ),
    retrieve=extend_schema(responses={(200, JSON): AnnotationSerializer, (200, JSONLD): W3CAnnotationSerializer}),
)
class AnnotationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Anyone reads; signed-in users annotate; only an annotation's author (or a moderator)
    changes or deletes it. Posting the same span with the same tag again makes no second
    annotation: the answer is 200 with the existing one (201 is for a new one)."""

    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, JSONLDRenderer]
    pagination_class = W3CPagination
    filterset_class = AnnotationFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return annotation_list(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        """One article's annotations come from the reads cache while its stamps stay put."""
        respond = partial(super().list, request, *args, **kwargs)
        stamps = annotation_list_stamps(request)
        return respond() if stamps is None else cached_response(request, stamps, respond)

    def get_serializer_class(self):
        if self.action == "history":
            return AnnotationEditSerializer
        return W3CAnnotationSerializer if wants_w3c(self.request) else AnnotationSerializer

    def _answer(self, annotation: Annotation, status_code: int = status.HTTP_200_OK) -> Response:
        annotation = self.get_queryset().get(pk=annotation.pk)
        body = self.get_serializer(annotation).data
        return Response(body, status=status_code)

    @extend_schema(
        request=AnnotationCreateSerializer,
        responses={
            (201, JSON): AnnotationSerializer,
            (201, JSONLD): W3CAnnotationSerializer,
            (200, JSON): AnnotationSerializer,
            (200, JSONLD): W3CAnnotationSerializer,
            403: OpenApiResponse(description="Silenced or suspended: may not annotate now."),
            429: OpenApiResponse(
                description="Posting too fast: try again after the `Retry-After` header's seconds."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = AnnotationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            annotation = annotation_create(
                author=request.user, article=data["article"], start=data["start"], end=data["end"],
                tag=data["tag"], note=data["note"], quote=data.get("quote"), revision_number=data.get("revision"),
            )
        except AlreadyPosted as error:
            return self._answer(error.existing)
        except AnnotationError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return self._answer(annotation, status.HTTP_201_CREATED)

    @extend_schema(
        request=AnnotationUpdateSerializer,
        responses={(200, JSON): AnnotationSerializer, (200, JSONLD): W3CAnnotationSerializer, 403: _NOT_ALLOWED},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        annotation = self.get_object()
        serializer = AnnotationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            annotation_update(annotation=annotation, user=request.user, **serializer.validated_data)
        except AnnotationError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return self._answer(annotation)

    @extend_schema(responses={204: None, 403: _NOT_ALLOWED})
    def destroy(self, request: Request, pk=None) -> Response:
        annotation_delete(annotation=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        filters=False, responses={200: AnnotationEditSerializer(many=True), 403: _NOT_ALLOWED},
        description="What the annotation was before each edit, newest first: for its author and moderators.",
    )
    @action(detail=True, methods=["get"], pagination_class=None, renderer_classes=api_settings.DEFAULT_RENDERER_CLASSES)
    def history(self, request: Request, pk=None) -> Response:
        annotation = self.get_object()
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if annotation.author_id != request.user.pk and not is_moderator(request.user):
            raise PermissionDenied("Only the annotation's author and moderators see its history.")
        return Response(self.get_serializer(annotation_history(annotation), many=True).data)
