"""`POST /api/flags/`: flag a comment, annotation, source or claim for moderators."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.errors import error_response
from annotations.api.params import NOT_BLANK, RulesInSchema, TextField, required_when
from annotations.models import FlagReason, TargetType
from annotations.services.flags import (
    NOTE_MAX_CHARS,
    AlreadyFlagged,
    FlagCapReached,
    FlagError,
    flag_create,
)


class FlagRequestSerializer(RulesInSchema, serializers.Serializer):
    target_type = serializers.ChoiceField(choices=TargetType.values)
    target_id = serializers.IntegerField(min_value=1)
    reason = serializers.ChoiceField(choices=FlagReason.values)
    note = TextField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_CHARS, trim_whitespace=True,
        help_text="Required when the reason is `other`.",
    )
    schema_rules = [required_when("reason", [FlagReason.OTHER], then="note", then_schema=NOT_BLANK)]


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    note = serializers.CharField()
    created = serializers.DateTimeField(source="created_at")


class FlagView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=FlagRequestSerializer,
        responses={
            201: FlagSerializer,
            400: OpenApiResponse(description="Bad input (e.g. reason `other` without a note)."),
            403: OpenApiResponse(description="Silenced or suspended."),
            404: OpenApiResponse(description="No such item, or one you cannot see."),
            409: OpenApiResponse(description="You flagged this item already."),
            429: OpenApiResponse(description="Over the daily cap or the per-minute limit; see Retry-After."),
        },
    )
    def post(self, request: Request) -> Response:
        """Flag an item for moderators. One flag per person and item; a daily cap per person.
        Enough flags from people of different opinion groups hide it pending review."""
        serializer = FlagRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            flag = flag_create(flagger=request.user, **serializer.validated_data)
        except AlreadyFlagged as error:
            return error_response(status.HTTP_409_CONFLICT, str(error))
        except FlagCapReached as error:
            response = error_response(status.HTTP_429_TOO_MANY_REQUESTS, str(error), retry_after=error.retry_after)
            response["Retry-After"] = str(error.retry_after)
            return response
        except FlagError as error:
            return error_response(status.HTTP_400_BAD_REQUEST, str(error), field=error.field)
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)
