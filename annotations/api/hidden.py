"""The `hidden` and `hidden_reason` fields of items moderators can hide. A hidden item reaches
only its author and moderators, so whoever gets these fields may read the reason."""
from rest_framework import serializers


class HiddenMarkSerializer(serializers.Serializer):
    """Mixed into the serializers of annotations, claims and sources (list both fields in
    their Meta.fields)."""

    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True,
        help_text="Hidden by moderators (or pending review): only its author and moderators see it.",
    )
    hidden_reason = serializers.CharField(read_only=True, help_text="Why it is hidden; empty when it is not.")
