"""The OpenAPI schema documents every error an operation can answer, not only its successes.

`ErrorDocumentingAutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds the errors that follow
from an operation's shape wherever a view did not declare them itself: 400 for a body or query
parameters to validate, 401/403 where a user must be signed in or allowed, 404 for an object in
the path or a page number, 413 for a body (api/errors.py), 429 everywhere (the throttles). Errors
only some operations have (409, 410) stay declared on those views. Every error response gets the
body `api/errors.py` answers: `{"detail": "...", "<field>": ["..."]}`, in each JSON media type the
operation answers in (an error to `Accept: application/ld+json` comes as application/ld+json).

It also says what the API reads as the API reads it (tests/api/test_schemathesis.py holds it to
that): request bodies as JSON only (the API also reads forms, for curl and quick scripts, but a
form cannot say `null`); text without NUL characters, and not only whitespace where it may not
be blank; the rules between fields a request serializer states (`RulesInSchema`); an empty
query parameter as not given (`allowEmptyValue`); a PATCH body as the whole serializer it is
validated with."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from annotations.api.params import NO_NUL, NOT_BLANK_PATTERN, RulesInSchema, TextField

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
JSON = "application/json"

DESCRIPTIONS = {
    "400": "Invalid input: `detail` says what, and each field at fault lists its errors.",
    "401": "Not signed in (send `Authorization: Token ...`).",
    "403": "Not signed in, or not allowed: `detail` says why.",
    "404": "No such object, or one you may not see (or no such page, or an unknown `format`).",
    "413": "The request body is too large.",
    "429": "Too many requests: retry after the seconds in the `Retry-After` header.",
}


class ErrorSerializer(serializers.Serializer):
    """An API error: a message, plus a list of messages for each field at fault."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")


class RulesInSchemaExtension(OpenApiSerializerExtension):
    """The rules between fields that a request serializer states in `schema_rules`."""

    target_class = RulesInSchema
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if self.target.schema_rules:
            schema["allOf"] = list(self.target.schema_rules)
        return schema


class ErrorDocumentingAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        error_schema = {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        error_content = {media_type: error_schema for media_type in self._json_media_types()}
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.startswith("4"):
                response.setdefault("content", error_content)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True  # `?tag=` is "no tag given", as DRF and django-filter read it
        body = operation.get("requestBody")
        if body and any(self._needs_content(content, registry) for content in body["content"].values()):
            body["required"] = True
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        places = {parameter["in"] for parameter in parameters}
        has_body = "requestBody" in operation
        signed_in_only = {} not in operation.get("security", [{}])
        guarded = signed_in_only or self.method not in SAFE_METHODS
        paged = any(parameter["name"] == "page" for parameter in parameters)
        # DRF answers an unknown `?format=` with 404, as it would an unknown format suffix.
        formats = any(parameter["name"] == "format" and parameter["in"] == "query" for parameter in parameters)
        codes = ["429"]
        if has_body or "query" in places:
            codes.append("400")
        if guarded and self._challenges():
            codes.append("401")
        if guarded:
            codes.append("403")
        if "path" in places or paged or formats:
            codes.append("404")
        if has_body:
            codes.append("413")
        return sorted(codes)

    @staticmethod
    def _needs_content(content: dict, registry) -> bool:
        """Whether a body's rules include a choice of alternatives that each require a field (as
        `{"ids": [...]}` or `{"all": true}`): then an empty body is not valid either."""
        name = content.get("schema", {}).get("$ref", "").rpartition("/")[2]
        if not name:
            return False
        rules = registry[(name, "schemas")].schema.get("allOf", [])
        return any(all(option.get("required") for option in rule.get("anyOf", [{}])) for rule in rules)

    def _get_serializer_field_meta(self, field, direction):
        """Text a request may send, as DRF reads it: never a NUL character, and for a field
        that may not be blank, something besides whitespace (DRF strips it first)."""
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "request" and type(field) in (serializers.CharField, TextField) and not field.read_only:
            meta["pattern"] = NOT_BLANK_PATTERN if field.trim_whitespace and not field.allow_blank else NO_NUL
        return meta

    def map_parsers(self) -> list[str]:
        return [JSON]

    def _json_media_types(self) -> list[str]:
        """The JSON media types among what the view renders: errors come in the negotiated one."""
        rendered = self.map_renderers("media_type")
        return [JSON, *(media_type for media_type in rendered if media_type.endswith("+json"))]

    def _challenges(self) -> bool:
        """Whether an anonymous caller gets 401 rather than 403: DRF answers 401 only when the
        first authentication class sends a challenge (`WWW-Authenticate`)."""
        authenticators = self.view.get_authenticators()
        return bool(authenticators and authenticators[0].authenticate_header(self.view.request))
