"""/api/claims/{id}/comments/ and /api/comments/{id}/: the debate thread on a claim.

The thread is one flat list in display order (each top-level comment followed by its replies,
depth first), not paginated, so that a client draws the tree as it comes. Anyone reads; signed-in
members post and reply; authors (and moderators) edit and delete. Refusals by the policy answer
403 with the reason (404 for what the caller may not see), the rate limit 429 (see
annotations.api.errors).
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.errors import error_response
from annotations.api.params import RulesInSchema, TextField
from annotations.models import Article, CommentEdit, CommentState, Side
from annotations.selectors.threads import (
    OLDEST,
    ORDERINGS,
    ThreadItem,
    claim_thread,
    comment_history,
    comment_item,
    may_see_history,
    visible_claim,
    visible_comment,
)
from annotations.services.comments import (
    COMMENT_MAX_CHARS,
    CommentError,
    QuoteRef,
    comment_create,
    comment_delete,
    comment_update,
)

_REFUSED = OpenApiResponse(description="Refused by the policy (silenced, locked thread, not the author…).")
_NOT_FOUND = OpenApiResponse(description="No such comment, or hidden from the caller.")


class QuoteSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    start = serializers.IntegerField(help_text="Code point offset in the article's text when it was quoted.")
    end = serializers.IntegerField()
    text = serializers.CharField(help_text="The quoted passage.")
    url = serializers.CharField(help_text="The passage in its article's reader.")


class CommentSerializer(serializers.Serializer):
    """A comment as the caller sees it. Placeholders (a deleted comment, or one hidden by
    moderators, that holds replies) have an empty `body_html` and a null `author`."""

    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    depth = serializers.IntegerField(help_text="0 for a top-level comment.")
    display_depth = serializers.IntegerField(help_text="The depth to draw it at: replies past 4 are drawn at 4.")
    replying_to = serializers.CharField(
        allow_null=True, help_text="Past the display depth: the username of the comment replied to."
    )
    author = serializers.CharField(allow_null=True, help_text="Username; null for a placeholder.")
    side = serializers.ChoiceField(choices=[("", "none"), *Side.choices], help_text="Top-level comments only.")
    body_html = serializers.CharField(help_text="Sanitised HTML; empty for a placeholder.")
    body = serializers.CharField(
        allow_null=True, help_text="The Markdown source, for its author and moderators; null for others."
    )
    quote = QuoteSerializer(allow_null=True)
    created = serializers.DateTimeField()
    edited = serializers.DateTimeField(allow_null=True, help_text="When it was last edited; null if never.")
    state = serializers.ChoiceField(choices=CommentState.choices)
    hidden_reason = serializers.CharField(
        allow_null=True, help_text="Why moderators hid it: for its author and moderators only."
    )


class ThreadParametersSerializer(serializers.Serializer):
    side = serializers.ChoiceField(
        choices=Side.choices, required=False, help_text="Only top-level comments of this side, with their replies."
    )
    ordering = serializers.ChoiceField(
        choices=ORDERINGS, default=OLDEST, help_text="Of top-level comments; replies stay oldest first."
    )


class QuoteRequestSerializer(serializers.Serializer):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    start = serializers.IntegerField(min_value=0, help_text="Code point offset in the article's current text.")
    end = serializers.IntegerField(min_value=1)


class CommentCreateSerializer(serializers.Serializer):
    body = TextField(max_length=COMMENT_MAX_CHARS, trim_whitespace=False, help_text="Markdown.")
    parent = serializers.IntegerField(required=False, allow_null=True, help_text="The comment replied to.")
    side = serializers.ChoiceField(
        choices=Side.choices, required=False, allow_blank=True, default="", help_text="Top-level comments only."
    )
    quote = QuoteRequestSerializer(required=False, allow_null=True, help_text="A passage of any article.")


class CommentUpdateSerializer(RulesInSchema, serializers.Serializer):
    body = TextField(max_length=COMMENT_MAX_CHARS, trim_whitespace=False, required=False)
    side = serializers.ChoiceField(choices=Side.choices, required=False, allow_blank=True)
    schema_rules = [{"anyOf": [{"required": ["body"]}, {"required": ["side"]}]}]

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError({"body": ["Send a new body or side."]})
        return data


class CommentEditSerializer(serializers.ModelSerializer):
    editor = serializers.CharField(source="editor.username", read_only=True, allow_null=True, default=None)
    edited = serializers.DateTimeField(source="edited_at", read_only=True)

    class Meta:
        model = CommentEdit
        fields = ["editor", "edited", "body", "side"]
        read_only_fields = fields


def _serialized(item: ThreadItem) -> dict:
    return CommentSerializer(item).data


def _invalid(error: CommentError) -> Response:
    return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)


class ClaimCommentsView(APIView):
    """The debate thread on a claim."""

    @extend_schema(
        parameters=[ThreadParametersSerializer],
        responses={200: CommentSerializer(many=True), 404: OpenApiResponse(description="No such claim.")},
        description="The whole thread as one flat list in display order (not paginated).",
    )
    def get(self, request: Request, claim_id: int) -> Response:
        parameters = ThreadParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        claim = visible_claim(claim_id, user=request.user)
        thread = claim_thread(
            claim, user=request.user, side=parameters.validated_data.get("side", ""),
            ordering=parameters.validated_data["ordering"],
        )
        return Response(CommentSerializer(thread.items, many=True).data)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, 403: _REFUSED, 404: OpenApiResponse(description="No such claim.")},
        description="Post a comment, or a reply with `parent`. Only top-level comments take a `side`.",
    )
    def post(self, request: Request, claim_id: int) -> Response:
        visible_claim(claim_id, user=request.user)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        quote = data.get("quote")
        try:
            comment = comment_create(
                author=request.user, claim_id=claim_id, body=data["body"], parent_id=data.get("parent"),
                side=data["side"],
                quote=QuoteRef(quote["article"].pk, quote["start"], quote["end"]) if quote else None,
            )
        except CommentError as error:
            return _invalid(error)
        return Response(_serialized(comment_item(comment, user=request.user)), status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    """One comment: read it; its author (or a moderator) edits or deletes it."""

    @extend_schema(responses={200: CommentSerializer, 404: _NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_serialized(comment_item(visible_comment(pk, user=request.user), user=request.user)))

    @extend_schema(
        request=CommentUpdateSerializer, responses={200: CommentSerializer, 403: _REFUSED, 404: _NOT_FOUND},
        description="Change the body or the side (top-level comments); the old version goes to the history.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        comment = visible_comment(pk, user=request.user)
        serializer = CommentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            comment = comment_update(comment=comment, user=request.user, **serializer.validated_data)
        except CommentError as error:
            return _invalid(error)
        return Response(_serialized(comment_item(comment, user=request.user)))

    @extend_schema(
        responses={204: None, 403: _REFUSED, 404: _NOT_FOUND},
        description="Deleted comments with replies stay in the thread as “[deleted]”.",
    )
    def delete(self, request: Request, pk: int) -> Response:
        comment_delete(comment=visible_comment(pk, user=request.user), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentHistoryView(APIView):
    """What a comment said before each edit, newest first: for its author and moderators."""

    @extend_schema(responses={200: CommentEditSerializer(many=True), 403: _REFUSED, 404: _NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        comment = visible_comment(pk, user=request.user)
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if comment.deleted_at is not None:
            raise NotFound("That comment was deleted; what it said is not shown.")
        if not may_see_history(request.user, comment):
            raise PermissionDenied("Only the comment's author and moderators see its history.")
        return Response(CommentEditSerializer(comment_history(comment), many=True).data)
