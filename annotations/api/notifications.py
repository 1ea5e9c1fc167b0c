"""/api/notifications/: the caller's own notifications (replies, mentions, activity on claims
they tagged, moderation decisions), and marking them read."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.params import MAX_ID, RulesInSchema
from annotations.models import Notification
from annotations.selectors.notifications import notification_list, unread_count
from annotations.services.notifications import notifications_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "actor", "claim", "comment", "created", "read", "read_at"]
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationParametersSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only the unread ones.")


class MarkReadSerializer(RulesInSchema, serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=1000,
        help_text="Notifications to mark read (others' ids are ignored).",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every one read.")
    schema_rules = [{"anyOf": [
        {"required": ["ids"], "properties": {"ids": {"minItems": 1}}},
        {"required": ["all"], "properties": {"all": {"enum": [True]}}},
    ]}]

    def validate(self, data: dict) -> dict:
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": ['Send "ids" or "all": true.']})
        return data


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField(help_text="How many are still unread.")


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first (`?unread=true`: only the unread ones)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        parameters = NotificationParametersSerializer(data=self.request.query_params)
        parameters.is_valid(raise_exception=True)
        return notification_list(self.request.user, unread_only=parameters.validated_data["unread"])

    @extend_schema(parameters=[NotificationParametersSerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    """Mark some of one's notifications read, or all of them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer)
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        marked = notifications_mark_read(user=request.user, ids=data.get("ids"), everything=data["all"])
        return Response({"marked": marked, "unread": unread_count(request.user)})
