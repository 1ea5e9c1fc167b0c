"""REST API: Django REST framework and its OpenAPI schema (drf-spectacular)."""
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Tokens stop working while their user is suspended.
        "annotations.api.authentication.SuspensionAwareTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The schema documents each operation's errors too (annotations/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "annotations.api.schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    # Issue 10 (no 500s): DRF's JSON parser, refusing absurd nesting with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Throttles and their rates: see "API throttles and sign-in lockout" in
    # settings/security.py.
    "DEFAULT_THROTTLE_CLASSES": [
        "annotations.api.throttles.AnonThrottle",
        "annotations.api.throttles.UserThrottle",
        "annotations.api.throttles.WriteThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rednote API",
    "DESCRIPTION": "Collaborative annotation and debate: articles, sentences, annotations, claims.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The PATCH views validate their whole serializer (never partial=True): document it as such.
    "COMPONENT_SPLIT_PATCH": False,
    # Swagger UI is served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Articles and export jobs both have a `format`, claims and export jobs a `status`.
    "ENUM_NAME_OVERRIDES": {
        "ArticleFormatEnum": "annotations.forms.FORMAT_CHOICES",
        "ConsensusStatusEnum": "annotations.api.votes.STATUSES",
    },
}
