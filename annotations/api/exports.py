"""/api/exports/: export jobs. `POST` starts one (202), `GET` lists the caller's (moderators:
`?all=true` for everyone's), `GET /{id}/` follows one, `DELETE /{id}/` cancels it and
`GET /{id}/download/` streams its zip once done.

A job is visible to its owner and to moderators only (404 for everyone else); only its owner
cancels it. Bad input answers 400 naming the field (`format`, `filters` or a filter's name).
"""
from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.errors import error_response
from annotations.api.params import TextField
from annotations.models import ExportFormat, ExportJob, ExportStatus
from annotations.selectors.exports_filters import FILTER_NAMES, ExportRequestError
from annotations.selectors.exports_jobs import export_file, export_job, export_jobs, is_expired
from annotations.services.exports import ExportStateError, export_cancel, export_start, file_name

_NOT_FOUND = OpenApiResponse(description="No such export, or not the caller's.")


@extend_schema_field({"type": "string", "enum": ExportFormat.values})
class ExportFormatField(TextField):
    """One of the formats; the service checks which (`parse_format`), with a message naming them."""


class ExportRequestSerializer(serializers.Serializer):
    format = ExportFormatField()
    filters = serializers.JSONField(
        required=False, help_text=f"An object with any of: {', '.join(FILTER_NAMES)}."
    )


class ExportJobSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username")
    created = serializers.DateTimeField(source="created_at")
    started = serializers.DateTimeField(source="started_at", allow_null=True)
    finished = serializers.DateTimeField(source="finished_at", allow_null=True)
    expires = serializers.DateTimeField(source="expires_at", allow_null=True)
    expired = serializers.SerializerMethodField(help_text="Done, but its file has been removed.")
    download = serializers.SerializerMethodField(help_text="The zip's URL once done (null before and after expiry).")

    class Meta:
        model = ExportJob
        fields = [
            "id", "owner", "format", "filters", "status", "progress", "rows", "total", "error", "created",
            "started", "finished", "expires", "expired", "file_size", "summary", "download",
        ]

    def get_expired(self, job: ExportJob) -> bool:
        return is_expired(job)

    def get_download(self, job: ExportJob) -> str | None:
        if job.status != ExportStatus.DONE or is_expired(job):
            return None
        url = reverse("api-export-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


def _bad_request(error: ExportRequestError) -> Response:
    body = {"detail": str(error), **{field: [message] for field, message in error.errors.items()}}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class ExportListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()  # for the schema; the jobs come from export_jobs()

    @extend_schema(
        parameters=[OpenApiParameter("all", OpenApiTypes.BOOL, description="Moderators: everyone's exports.")],
        responses=ExportJobSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        everyone = request.query_params.get("all", "").lower() in ("1", "true", "yes")
        page = self.paginate_queryset(export_jobs(request.user, everyone=everyone))
        return self.get_paginated_response(ExportJobSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        request=ExportRequestSerializer,
        responses={202: ExportJobSerializer, 400: OpenApiResponse(description="Bad format or filters, or nothing matches.")},
    )
    def post(self, request: Request) -> Response:
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = export_start(
                owner=request.user, format=data.validated_data["format"], filters=data.validated_data.get("filters")
            )
        except ExportRequestError as error:
            return _bad_request(error)
        job.refresh_from_db()
        body = ExportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": reverse("api-export-detail", args=[job.pk])})


class ExportDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ExportJobSerializer, 404: _NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ExportJobSerializer(export_job(request.user, pk), context={"request": request}).data)

    @extend_schema(
        responses={
            200: ExportJobSerializer, 404: _NOT_FOUND,
            409: OpenApiResponse(description="It has finished, failed or been cancelled already."),
        }
    )
    def delete(self, request: Request, pk: int) -> Response:
        try:
            job = export_cancel(job=export_job(request.user, pk), user=request.user)
        except ExportStateError as error:
            return error_response(status.HTTP_409_CONFLICT, str(error))
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY, 404: _NOT_FOUND,
            409: OpenApiResponse(description="Not finished."), 410: OpenApiResponse(description="Expired."),
        }
    )
    def get(self, request: Request, pk: int):
        job = export_job(request.user, pk)
        path = export_file(job)
        if path is not None:
            return FileResponse(path.open("rb"), as_attachment=True, filename=file_name(job), content_type="application/zip")
        if is_expired(job):
            return error_response(status.HTTP_410_GONE, "This export has expired; start it again.")
        if job.status == ExportStatus.DONE:
            return error_response(status.HTTP_410_GONE, "This export's file is gone; start it again.")
        return error_response(
            status.HTTP_409_CONFLICT, f"This export is {job.get_status_display().lower()}: there is nothing to download."
        )
