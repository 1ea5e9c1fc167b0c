"""W3C Web Annotations (https://www.w3.org/TR/annotation-model/), served as application/ld+json.

How rednote maps onto the model:

- The tag (claim, evidence, opinion) is a TextualBody with purpose "classifying": the passage is
  classified into one of a fixed set of kinds, which is what "classifying" means ("tagging" is
  for free-form tags). The note, if any, is a TextualBody with purpose "commenting" and format
  text/markdown. The motivation is "classifying", or ["classifying", "commenting"] with a note.
- The target is the article's page with a TextPositionSelector (code point offsets into its
  current text) and a TextQuoteSelector, both describing where the annotation is now. An orphaned
  annotation has no position: only the quote it was made on.
- A source attached to a claim is an annotation with motivation "linking": its target is the
  claim's passage, its body the cited web page (by URL) or passage (a SpecificResource with
  selectors), plus its stance as a "classifying" TextualBody and its note as a "commenting" one.
- Times are UTC, ISO 8601, with "Z". Lists are AnnotationPages of an AnnotationCollection.
"""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from annotations.api.pagination import PageNumberPagination
from annotations.api.params import TextField
from annotations.models import Annotation, Source
from annotations.selectors.annotations import current_selector
from annotations.text.anchor import Selector, anchor, describe

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
POSITION = "TextPositionSelector"
QUOTE = "TextQuoteSelector"


class JSONLDRenderer(JSONRenderer):
    """JSON-LD for `Accept: application/ld+json` (or `?format=jsonld`)."""

    media_type = "application/ld+json"
    format = "jsonld"


def wants_w3c(request: Request | None) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return isinstance(renderer, JSONLDRenderer)


# Selectors, in and out


class W3CSelectorSerializer(serializers.Serializer):
    """A TextPositionSelector (start, end) or a TextQuoteSelector (exact, prefix, suffix)."""

    type = serializers.ChoiceField(choices=[POSITION, QUOTE])
    start = serializers.IntegerField(min_value=0, required=False, help_text="TextPositionSelector: code point offset.")
    end = serializers.IntegerField(min_value=0, required=False, help_text="TextPositionSelector: exclusive.")
    exact = TextField(required=False, trim_whitespace=False, help_text="TextQuoteSelector: the quote.")
    prefix = TextField(required=False, allow_blank=True, trim_whitespace=False, default="")
    suffix = TextField(required=False, allow_blank=True, trim_whitespace=False, default="")

    def validate(self, data: dict) -> dict:
        if data["type"] == POSITION and ("start" not in data or "end" not in data):
            raise serializers.ValidationError("A TextPositionSelector needs start and end.")
        if data["type"] == QUOTE and not data.get("exact"):
            raise serializers.ValidationError("A TextQuoteSelector needs exact.")
        return data


class W3CTargetSerializer(serializers.Serializer):
    source = TextField(required=False, help_text="The article's page. Ignored on input.")
    selector = W3CSelectorSerializer(many=True, allow_empty=False)

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("selector"), dict):
            data = {**data, "selector": [data["selector"]]}  # the model allows one selector or a list
        return super().to_internal_value(data)

    def validate_selector(self, selectors: list[dict]) -> list[dict]:
        types = [s["type"] for s in selectors]
        if len(set(types)) != len(types):
            raise serializers.ValidationError("Give at most one selector of each type.")
        return selectors


def target_span(text: str, selectors: list[dict]) -> tuple[int, int]:
    """The span of `text` that a target's selectors point at.

    A position alone is taken as it is (the service checks it). A quote is anchored on the text
    with annotations.text.anchor.anchor: at the position when that still holds the quote, else
    at the occurrence whose context matches best (nearest the position), else at a close
    enough approximate match. Raises ValidationError on `target` when the quote is not found.
    """
    by_type = {s["type"]: s for s in selectors}
    position, quote = by_type.get(POSITION), by_type.get(QUOTE)
    if quote is None:
        return position["start"], position["end"]
    exact = quote["exact"]
    start = position["start"] if position else 0
    end = position["end"] if position else len(exact)
    landing = anchor(text, Selector(start, end, exact, quote["prefix"], quote["suffix"]))
    if not landing.anchored:
        raise serializers.ValidationError({"target": ["The quote is not in the article's text."]})
    return landing.start, landing.end


def _selectors(selector: Selector, *, positioned: bool) -> list[dict]:
    quote = {"type": QUOTE, "exact": selector.exact, "prefix": selector.prefix, "suffix": selector.suffix}
    if not positioned:
        return [quote]
    return [{"type": POSITION, "start": selector.start, "end": selector.end}, quote]


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _absolute(request: Request, view_name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(view_name, args=[pk]))


def _text_body(purpose: str, value: str, **extra) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, **extra}


def _note_body(note: str) -> list[dict]:
    return [_text_body("commenting", note, format="text/markdown")] if note else []


# Documented shapes (output)


class W3CBodySerializer(serializers.Serializer):
    type = serializers.CharField(required=False, help_text="TextualBody or SpecificResource; absent for a web page.")
    purpose = serializers.CharField(help_text="classifying, commenting or linking")
    value = serializers.CharField(required=False)
    format = serializers.CharField(required=False)
    id = serializers.URLField(required=False, help_text="A cited web page.")
    source = serializers.URLField(required=False, help_text="A cited article's page.")
    selector = W3CSelectorSerializer(many=True, required=False)


class W3CCreatorSerializer(serializers.Serializer):
    type = serializers.CharField(default="Person")
    nickname = serializers.CharField()


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
     "description": "classifying, commenting or linking; a list when there are several."}
)
class MotivationField(serializers.JSONField):
    pass


class _W3CAnnotationBase(serializers.Serializer):
    """Output only: `to_representation` builds the JSON-LD, the fields document it."""

    def get_fields(self):
        return {
            "@context": serializers.CharField(default=CONTEXT),
            "id": serializers.URLField(),
            "type": serializers.CharField(default="Annotation"),
            "motivation": MotivationField(),
            "body": W3CBodySerializer(many=True),
            "target": W3CTargetSerializer(),
            "creator": W3CCreatorSerializer(),
            "created": serializers.CharField(help_text="UTC, ISO 8601"),
        }


class W3CAnnotationSerializer(_W3CAnnotationBase):
    """A rednote annotation as a W3C Web Annotation."""

    def get_fields(self):
        return {**super().get_fields(), "modified": serializers.CharField(help_text="UTC, ISO 8601")}

    def to_representation(self, annotation: Annotation) -> dict:
        request = self.context["request"]
        body = [_text_body("classifying", annotation.tag), *_note_body(annotation.note)]
        return {
            "@context": CONTEXT,
            "id": _absolute(request, "api-annotation-detail", annotation.pk),
            "type": "Annotation",
            "motivation": ["classifying", "commenting"] if annotation.note else "classifying",
            "body": body,
            "target": {
                "source": _absolute(request, "article-detail", annotation.article_id),
                "selector": _selectors(current_selector(annotation), positioned=annotation.start is not None),
            },
            "creator": {"type": "Person", "nickname": annotation.author.username},
            "created": _time(annotation.created_at),
            "modified": _time(annotation.updated_at),
        }


class W3CSourceSerializer(_W3CAnnotationBase):
    """A source attached to a claim as a W3C Web Annotation with motivation "linking"."""

    def to_representation(self, source: Source) -> dict:
        request = self.context["request"]
        claim = source.claim
        if source.kind == Source.Kind.LINK:
            cited = {"id": source.url, "purpose": "linking"}
        else:
            cited = {
                "type": "SpecificResource",
                "purpose": "linking",
                "source": _absolute(request, "article-detail", source.passage_article_id),
                "selector": [
                    {"type": POSITION, "start": source.passage_start, "end": source.passage_end},
                    {"type": QUOTE, "exact": source.passage_quote},
                ],
            }
        if claim.start is None:
            claim_selector = Selector(0, len(claim.quote), claim.quote, "", "")
        else:
            claim_selector = describe(claim.article.current_revision.text, claim.start, claim.end)
        return {
            "@context": CONTEXT,
            "id": request.build_absolute_uri(
                reverse("api-claim-source-detail", kwargs={"claim_id": claim.pk, "pk": source.pk})
            ),
            "type": "Annotation",
            "motivation": "linking",
            "body": [cited, _text_body("classifying", source.stance), *_note_body(source.note)],
            "target": {
                "source": _absolute(request, "article-detail", claim.article_id),
                "selector": _selectors(claim_selector, positioned=claim.start is not None),
            },
            "creator": {"type": "Person", "nickname": source.author.username},
            "created": _time(source.created_at),
        }


class _CollectionSerializer(serializers.Serializer):
    id = serializers.URLField()
    type = serializers.CharField(default="AnnotationCollection")
    total = serializers.IntegerField()
    first = serializers.URLField()
    last = serializers.URLField()


def annotation_page_serializer(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The documented shape of a page of `item`s (for the OpenAPI schema)."""

    @extend_schema_serializer(many=False)
    class Page(serializers.Serializer):
        def get_fields(self):
            return {
                "@context": serializers.CharField(default=CONTEXT),
                "id": serializers.URLField(),
                "type": serializers.CharField(default="AnnotationPage"),
                "partOf": _CollectionSerializer(),
                "startIndex": serializers.IntegerField(),
                "next": serializers.URLField(required=False),
                "prev": serializers.URLField(required=False),
                "items": item(many=True),
            }

    Page.__name__ = f"{item.__name__.removesuffix('Serializer')}PageSerializer"
    return Page


class W3CPagination(PageNumberPagination):
    """Pages as usual in JSON; in JSON-LD, an AnnotationPage of the AnnotationCollection that
    the list URL (without `page`) names, with items that share the page's @context."""

    def get_paginated_response(self, data) -> Response:
        if not wants_w3c(self.request):
            return super().get_paginated_response(data)
        url = self.request.build_absolute_uri()
        collection = remove_query_param(url, self.page_query_param)
        paginator = self.page.paginator
        page = {
            "@context": CONTEXT,
            "id": url,
            "type": "AnnotationPage",
            "partOf": {
                "id": collection,
                "type": "AnnotationCollection",
                "total": paginator.count,
                "first": replace_query_param(collection, self.page_query_param, 1),
                "last": replace_query_param(collection, self.page_query_param, paginator.num_pages),
            },
            "startIndex": (self.page.number - 1) * paginator.per_page,
            "items": [{key: value for key, value in item.items() if key != "@context"} for item in data],
        }
        for key, link in (("next", self.get_next_link()), ("prev", self.get_previous_link())):
            if link:
                page[key] = link
        return Response(page)

