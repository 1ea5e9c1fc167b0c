"""The moderators' API: the queue and its resolutions, thread locks, actions on users, and the
audit log (read-only: it has no write endpoint). Everything here is for moderators and admins;
members get 403, whatever they could otherwise see."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.errors import error_response
from annotations.api.pagination import PageNumberPagination
from annotations.api.params import NOT_BLANK, RulesInSchema, TextField, required_when
from annotations.models import FlagReason, QueueState, TargetType
from annotations.policy import Act, require
from annotations.selectors.moderation import (
    LogFilters,
    moderation_log,
    open_queue_items,
    queue_entries,
    queue_entry,
)
from annotations.services.moderation import (
    DELETE,
    HIDE,
    REASON_MAX_CHARS,
    RESOLUTIONS,
    AlreadyDone,
    ModerationError,
    StaleVersion,
    queue_item_resolve,
    thread_lock,
    thread_unlock,
)
from annotations.services.sanctions import (
    DURATIONS,
    SILENCE,
    SUSPEND,
    USER_ACTIONS,
    WARN,
    user_moderate,
)


class CanModerate(BasePermission):
    """Moderators and admins; the policy's refusal (403, or 401 for anonymous callers) otherwise."""

    def has_permission(self, request: Request, view) -> bool:
        require(request.user, Act.MODERATE)
        return True


class QueueFlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FlagReason.values)
    note = serializers.CharField()
    created = serializers.DateTimeField(source="created_at")
    flagger = serializers.CharField(source="flagger.username")
    flagger_group = serializers.IntegerField(allow_null=True, help_text="Opinion group when they flagged.")


class SanctionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True, help_text="null: permanent (or a warning).")
    lifted_at = serializers.DateTimeField(allow_null=True)


class AuthorHistorySerializer(serializers.Serializer):
    sanctions = SanctionSerializer(many=True, help_text="The author's most recent sanctions.")
    removed_items = serializers.IntegerField(help_text="Other items of theirs that moderators hid or deleted.")


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.id")
    target_type = serializers.ChoiceField(source="item.target_type", choices=TargetType.values)
    target_id = serializers.IntegerField(source="item.target_id")
    state = serializers.ChoiceField(source="item.state", choices=QueueState.values)
    score = serializers.FloatField(source="item.score", help_text="Flag score from the brigade rule.")
    flaggers = serializers.IntegerField(source="item.flaggers")
    flagger_groups = serializers.IntegerField(source="item.flagger_groups")
    auto_hidden = serializers.BooleanField(source="item.auto_hidden", help_text="Hidden pending review by flags.")
    version = serializers.IntegerField(source="item.version", help_text="Send it back to resolve the item.")
    target_author = serializers.CharField(source="item.target_author.username", default=None, allow_null=True)
    created = serializers.DateTimeField(source="item.created_at")
    resolved_by = serializers.CharField(source="item.resolved_by.username", default=None, allow_null=True)
    resolved_at = serializers.DateTimeField(source="item.resolved_at", allow_null=True)
    resolution_reason = serializers.CharField(source="item.resolution_reason")
    flags = QueueFlagSerializer(many=True, help_text="The flags that count now.")
    context = serializers.DictField(allow_null=True, help_text="The item itself; null when it no longer exists.")
    author_history = AuthorHistorySerializer(source="history")


class ResolveSerializer(RulesInSchema, serializers.Serializer):
    action = serializers.ChoiceField(choices=list(RESOLUTIONS))
    reason = TextField(required=False, allow_blank=True, default="", max_length=REASON_MAX_CHARS,
                       help_text="Required to hide or delete: the author sees it.")
    version = serializers.IntegerField(min_value=1, help_text="The version of the item you saw.")
    schema_rules = [required_when("action", [HIDE, DELETE], then="reason", then_schema=NOT_BLANK)]


class QueueView(APIView):
    permission_classes = [CanModerate]
    pagination_class = PageNumberPagination  # read by the schema: the list comes in pages

    @extend_schema(responses={200: QueueItemSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Open flagged items, highest flag score first, with the item, its flags and its author's
        record (paginated)."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(open_queue_items(), request, view=self)
        return paginator.get_paginated_response(QueueItemSerializer(queue_entries(page), many=True).data)


class ResolveView(APIView):
    permission_classes = [CanModerate]

    @extend_schema(
        request=ResolveSerializer,
        responses={
            200: QueueItemSerializer,
            409: OpenApiResponse(QueueItemSerializer, description="Stale version: the item as it is now, "
                                 "with `detail` saying what happened meanwhile."),
        },
    )
    def post(self, request: Request, item_id: int) -> Response:
        """Dismiss the flags, hide (the author sees the reason), restore or delete the item, as of
        the version you saw."""
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            queue_item_resolve(moderator=request.user, item_id=item_id, **serializer.validated_data)
        except StaleVersion as error:
            current = QueueItemSerializer(queue_entry(error.item.pk)).data
            return Response({"detail": str(error), **current}, status=status.HTTP_409_CONFLICT)
        except ModerationError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return Response(QueueItemSerializer(queue_entry(item_id)).data)


class LockRequestSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_CHARS, help_text="Shown on the locked thread.")


class UnlockRequestSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, default="", max_length=REASON_MAX_CHARS)


class LockSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="pk")
    locked = serializers.SerializerMethodField()
    locked_at = serializers.DateTimeField(source="thread_locked_at", allow_null=True)
    locked_by = serializers.CharField(source="thread_locked_by.username", default=None, allow_null=True)
    reason = serializers.CharField(source="thread_lock_reason")

    def get_locked(self, claim) -> bool:
        return claim.thread_locked_at is not None


class ThreadLockView(APIView):
    permission_classes = [CanModerate]
    lock = True

    def get_serializer_class(self):
        """What the request holds (the schema reads it too): locking needs a reason."""
        return LockRequestSerializer if self.lock else UnlockRequestSerializer

    @extend_schema(responses={
        200: LockSerializer,
        409: OpenApiResponse(description="The thread is already locked (or already open)."),
    })
    def post(self, request: Request, claim_id: int) -> Response:
        """Lock the claim's thread (only moderators comment; a reason is required) or unlock it."""
        serializer = self.get_serializer_class()(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = thread_lock if self.lock else thread_unlock
        try:
            claim = service(moderator=request.user, claim_id=claim_id, **serializer.validated_data)
        except AlreadyDone as error:
            return error_response(status.HTTP_409_CONFLICT, str(error), field=error.field)
        except ModerationError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return Response(LockSerializer(claim).data)


class UserModerateRequestSerializer(RulesInSchema, serializers.Serializer):
    action = serializers.ChoiceField(choices=list(USER_ACTIONS))
    duration = serializers.ChoiceField(choices=list(DURATIONS), required=False, allow_null=True, default=None,
                                       help_text="Required to silence or suspend.")
    reason = TextField(required=False, allow_blank=True, default="", max_length=REASON_MAX_CHARS,
                       help_text="Required, except to lift: the user is told it.")
    schema_rules = [
        required_when("action", [SILENCE, SUSPEND], then="duration", then_schema={"enum": list(DURATIONS)}),
        required_when("action", [WARN, SILENCE, SUSPEND], then="reason", then_schema=NOT_BLANK),
    ]


class UserDecisionSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    action = serializers.CharField()
    sanction = SanctionSerializer(allow_null=True)
    lifted = serializers.IntegerField(help_text="Sanctions this action lifted or replaced.")
    silenced = serializers.BooleanField(source="standing.silenced")
    silenced_until = serializers.DateTimeField(source="standing.silenced_until", allow_null=True)
    suspended = serializers.BooleanField(source="standing.suspended")
    suspended_until = serializers.DateTimeField(source="standing.suspended_until", allow_null=True)


class UserModerateView(APIView):
    permission_classes = [CanModerate]

    @extend_schema(request=UserModerateRequestSerializer, responses={
        200: UserDecisionSerializer,
        409: OpenApiResponse(description="Nothing to lift: the user is neither silenced nor suspended."),
    })
    def post(self, request: Request, username: str) -> Response:
        """Warn, silence (may read, not write) or suspend (may not sign in) a user for 24h, 72h,
        7d, 30d or permanently, or lift their silence and suspension. The user is told."""
        serializer = UserModerateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = user_moderate(moderator=request.user, username=username, **serializer.validated_data)
        except AlreadyDone as error:
            return error_response(status.HTTP_409_CONFLICT, str(error), field=error.field)
        except ModerationError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return Response(UserDecisionSerializer(decision).data)


class LogEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    actor = serializers.CharField(source="actor_username")
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target_user = serializers.CharField(source="target_username")
    reason = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()
    ip = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField(source="created_at")


class LogView(APIView):
    permission_classes = [CanModerate]
    pagination_class = PageNumberPagination  # read by the schema: the log comes in pages

    @extend_schema(
        parameters=[
            OpenApiParameter("actor", str, description="Username of the moderator (or manage.py)."),
            OpenApiParameter("action", str, description="dismiss, hide, restore, delete, lock, unlock, warn, "
                             "silence, suspend, lift or role_set."),
            OpenApiParameter("target_user", str, description="Username of the person the action was about."),
        ],
        responses={200: LogEntrySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        """The audit log, newest first: one row per moderator action. Nobody can change it."""
        filters = LogFilters(
            actor=request.query_params.get("actor", "").strip(),
            action=request.query_params.get("action", "").strip(),
            target_user=request.query_params.get("target_user", "").strip(),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(moderation_log(filters), request, view=self)
        return paginator.get_paginated_response(LogEntrySerializer(page, many=True).data)
