"""What the API reads, read strictly: a value the schema does not allow is a 400 naming the
field or parameter, never silently ignored or converted (django-filter's own number and boolean
filters let `?article=1e30` reach the database and read `?mine=maybe` as "not given"; DRF's
CharField takes the JSON number 12 as the text "12"). An empty query parameter is still "not
given", as everywhere in the API."""
from django import forms
from django.core.exceptions import ValidationError
from django_filters import filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_ID = 2**63 - 1
"""The largest id a row can have (a 64-bit primary key): a larger one names nothing."""


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A row's id: a whole number from 1 to MAX_ID."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class StrictBooleanField(forms.Field):
    """true or false (1 or 0); anything else is refused."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise ValidationError("Use true or false.", code="invalid") from None


class BooleanFilter(filters.BooleanFilter):
    """Not django-filter's REST framework one, whose widget reads anything but true and false
    as "not given"."""

    field_class = StrictBooleanField


class TextField(serializers.CharField):
    """Text in a request body: a JSON string, nothing else."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Text as DRF reads it, for the schema: never a NUL character; where it may not be blank,
# something besides whitespace (Python's, as str.strip() removes it: \s and \x1c-\x1f).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK_PATTERN = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
NOT_BLANK = {"type": "string", "minLength": 1, "pattern": NOT_BLANK_PATTERN}


def required_when(field: str, values, then: str, then_schema: dict | None = None) -> dict:
    """A rule between two fields of a request body, as JSON schema: when `field` is one of
    `values`, `then` must be there (and match `then_schema`)."""
    return {"anyOf": [
        {"properties": {field: {"not": {"enum": list(values)}}}},
        {"required": [then], "properties": {then: then_schema or {}}},
    ]}


class RulesInSchema:
    """A request serializer whose `validate` asks for more than its fields say: `schema_rules`
    states the same rules for the schema (annotations.api.schema puts them in `allOf`)."""

    schema_rules: list[dict] = []
