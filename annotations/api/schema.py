"""The OpenAPI schema documents every error an operation can answer, not only its successes.

`ErrorDocumentingAutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds the errors that follow
from an operation's shape wherever a view did not declare them itself: 400 for a body or query
parameters to validate, 401/403 where a user must be signed in or allowed, 404 for an object in
the path or a page number, 413 for a body (api/errors.py), 429 everywhere (the throttles). Errors
only some operations have (409, 410) stay declared on those views. Every error response gets the
body `api/errors.py` answers: `{"detail": "...", "<field>": ["..."]}`."""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
DESCRIPTIONS = {
    "400": "Invalid input: `detail` says what, and each field at fault lists its errors.",
    "401": "Not signed in (send `Authorization: Token ...`).",
    "403": "Not signed in, or not allowed: `detail` says why.",
    "404": "No such object, or one you may not see (or no such page).",
    "413": "The request body is too large.",
    "429": "Too many requests: retry after the seconds in the `Retry-After` header.",
}


class ErrorSerializer(serializers.Serializer):
    """An API error: a message, plus a list of messages for each field at fault."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")


class ErrorDocumentingAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        error_content = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.startswith("4"):
                response.setdefault("content", error_content)
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        places = {parameter["in"] for parameter in parameters}
        has_body = "requestBody" in operation
        signed_in_only = {} not in operation.get("security", [{}])
        guarded = signed_in_only or self.method not in SAFE_METHODS
        paged = any(parameter["name"] == "page" for parameter in parameters)
        codes = ["429"]
        if has_body or "query" in places:
            codes.append("400")
        if guarded and self._challenges():
            codes.append("401")
        if guarded:
            codes.append("403")
        if "path" in places or paged:
            codes.append("404")
        if has_body:
            codes.append("413")
        return sorted(codes)

    def _challenges(self) -> bool:
        """Whether an anonymous caller gets 401 rather than 403: DRF answers 401 only when the
        first authentication class sends a challenge (`WWW-Authenticate`)."""
        authenticators = self.view.get_authenticators()
        return bool(authenticators and authenticators[0].authenticate_header(self.view.request))
