"""/api/articles/: list, read, add and revise articles."""
from collections.abc import Callable
from functools import partial

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.cached import cached_response
from annotations.api.errors import error_response
from annotations.api.params import TextField
from annotations.forms import FORMAT_CHOICES
from annotations.models import Article
from annotations.selectors.articles import (
    Stamp,
    article_list,
    article_list_stamp,
    article_stamp,
    sentences_of,
)
from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    article_create,
)
from annotations.services.revisions import article_revise


class ArticleListSerializer(serializers.ModelSerializer):
    sentence_count = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-article-detail")

    class Meta:
        model = Article
        fields = ["id", "url", "title", "author", "source", "published", "language", "sentence_count"]


class SentenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    start = serializers.IntegerField(help_text="Code point offset into `text`, inclusive.")
    end = serializers.IntegerField(help_text="Code point offset into `text`, exclusive.")
    text = serializers.CharField()
    paragraph = serializers.IntegerField()
    kind = serializers.CharField(help_text="content, heading, title, byline or boilerplate")


class ArticleDetailSerializer(ArticleListSerializer):
    text = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    sentences = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [*ArticleListSerializer.Meta.fields, "revision", "text", "sentences", "created_at"]

    def get_text(self, article: Article) -> str:
        return article.current_revision.text if article.current_revision else ""

    def get_revision(self, article: Article) -> int | None:
        return article.current_revision.number if article.current_revision else None

    @extend_schema_field(SentenceSerializer(many=True))
    def get_sentences(self, article: Article) -> list[dict]:
        text = self.get_text(article)
        return [
            {
                "id": s.pk,
                "index": s.index,
                "start": s.start,
                "end": s.end,
                "text": text[s.start : s.end],
                "paragraph": s.paragraph,
                "kind": s.kind,
            }
            for s in sentences_of(article)
        ]


class ArticleCreateSerializer(serializers.Serializer):
    title = TextField(max_length=300, required=False, allow_blank=True)
    text = TextField(trim_whitespace=False)
    format = serializers.ChoiceField(choices=FORMAT_CHOICES, default="text")
    author = TextField(max_length=200, required=False, allow_blank=True)
    source = TextField(max_length=500, required=False, allow_blank=True)
    published = serializers.DateField(required=False, allow_null=True)
    language = TextField(max_length=16, required=False, allow_blank=True)

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("The article has no text.")
        return value


class ArticleReviseSerializer(serializers.Serializer):
    text = TextField(trim_whitespace=False, help_text="The whole new text.")
    format = serializers.ChoiceField(choices=FORMAT_CHOICES, default="text")

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("The article has no text.")
        return value


NOT_MODIFIED = OpenApiResponse(description="Not modified: the copy named by `If-None-Match` or `If-Modified-Since` "
                               "is current (send the `ETag` / `Last-Modified` of the last 200).")


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Articles of the corpus. Offsets are Unicode code point indexes into `text`."""

    def get_queryset(self):
        queryset = article_list()
        if self.action == "retrieve":
            queryset = queryset.select_related("current_revision")
        return queryset

    @extend_schema(responses={
        200: ArticleListSerializer(many=True),
        304: OpenApiResponse(description="Not modified: the list named by `If-None-Match` is current."),
    })
    def list(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        """The list, or 304 when the client's copy (`If-None-Match`) is still the list."""
        return _conditional(request, article_list_stamp(), partial(super().list, request, *args, **kwargs))

    @extend_schema(responses={200: ArticleDetailSerializer, 304: NOT_MODIFIED})
    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        """The article, or 304 when the client's copy (`If-None-Match` / `If-Modified-Since`) is
        still current: its fields and current revision unchanged."""
        respond = partial(super().retrieve, request, *args, **kwargs)
        stamp = article_stamp(int(kwargs["pk"])) if str(kwargs["pk"]).isdigit() else None
        return respond() if stamp is None else _conditional(request, stamp, respond)

    def get_serializer_class(self):
        return {"list": ArticleListSerializer, "create": ArticleCreateSerializer}.get(
            self.action, ArticleDetailSerializer
        )

    @extend_schema(request=ArticleCreateSerializer, responses={201: ArticleDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = ArticleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        metadata = ArticleMetadata(
            title=data.get("title") or None,
            author=data.get("author") or None,
            source=data.get("source") or None,
            published=data.get("published"),
            language=data.get("language") or None,
        )
        try:
            article = article_create(
                text=data["text"], fmt=data["format"], metadata=metadata, created_by=request.user
            )
        except DuplicateArticle as error:
            return error_response(status.HTTP_409_CONFLICT, str(error), existing=error.existing.pk)
        except ArticleError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        article = self.get_queryset().select_related("current_revision").get(pk=article.pk)
        body = ArticleDetailSerializer(article, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ArticleReviseSerializer,
        responses={200: ArticleDetailSerializer, 403: OpenApiResponse(description="Not its creator, nor a moderator.")},
        description="Save a new revision of the text (its creator or a moderator only). Annotations are "
        "re-anchored onto it; those whose passage is gone are kept as orphaned.",
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        article = self.get_object()
        serializer = ArticleReviseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            article_revise(
                article=article, text=serializer.validated_data["text"], user=request.user,
                fmt=serializer.validated_data["format"],
            )
        except ArticleError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        article = self.get_queryset().select_related("current_revision").get(pk=article.pk)
        return Response(ArticleDetailSerializer(article, context=self.get_serializer_context()).data)


def _conditional(request: Request, stamp: Stamp, respond: Callable[[], Response]) -> HttpResponseBase:
    """Answer 304 from the stamp alone when the client's copy is current; otherwise the full
    response (from the reads cache while the stamp stays put), carrying the stamp for the next
    request."""
    etag = quote_etag(stamp.etag)
    last_modified = int(stamp.last_modified.timestamp()) if stamp.last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    response = cached_response(request, (stamp.etag,), respond)
    if response.status_code == status.HTTP_200_OK:
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
    return response
