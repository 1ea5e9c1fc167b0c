"""The row model's pseudonyms and label schema."""
from __future__ import annotations

from annotations.exporters.rows import Annotation, label_schema, pseudonym, record


def test_pseudonym_is_the_first_12_hex_digits_of_hmac_sha256_of_the_user_id():
    # Reference values from `echo -n 1 | openssl dgst -sha256 -hmac s` (and 42 / instance-secret).
    assert pseudonym(1, b"s") == "annotator-0d42ca66c4d2"
    assert pseudonym(42, b"instance-secret") == "annotator-6f5bc968fa8a"


def test_pseudonyms_differ_by_person_and_by_instance_secret():
    assert pseudonym(1, b"s") != pseudonym(2, b"s")
    assert pseudonym(1, b"s") != pseudonym(1, b"t")


def test_label_schema_defines_every_tag_relation_type_and_stance():
    schema = label_schema()
    assert [t["name"] for t in schema["tags"]] == ["claim", "evidence", "opinion"]
    assert [r["name"] for r in schema["relation_types"]] == ["supports", "refutes"]
    assert all(r["from"] == "evidence" and r["to"] == "claim" for r in schema["relation_types"])
    assert [s["name"] for s in schema["source_stances"]] == ["supports", "contradicts"]
    assert all(item["definition"] for key in ("tags", "relation_types", "source_stances") for item in schema[key])


def test_a_row_becomes_the_json_object_of_its_file_in_field_order():
    a = Annotation(1, 2, 3, 4, 9, "words", "claim", "", "annotator-x", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z")
    assert list(record(a)) == ["id", "document_id", "revision", "start", "end", "text", "tag", "note",
                               "annotator", "created", "modified", "anchor_state", "claim_id"]
    assert record(a)["anchor_state"] == "anchored" and record(a)["claim_id"] is None
