"""W3C Web Annotations: every annotation, page and the collection pass the W3C test suite's MUST
assertions (uri and date-time formats checked); pages link up; selectors carry exact offsets."""
from __future__ import annotations

import json

import pytest

from annotations.exporters import w3c
from tests.exporters import w3c_suite

needs_suite = pytest.mark.skipif(not w3c_suite.available(), reason=f"W3C test suite not found at {w3c_suite.SUITE}")


def load(path) -> tuple[dict, list[dict]]:
    nodes = json.loads(path.read_text(encoding="utf-8"))
    return nodes[0], nodes[1:]


def all_pages(collection: dict, rest: list[dict]) -> list[dict]:
    return [collection["first"], *rest] if "first" in collection else rest


def test_one_page_holds_all_annotations_with_both_selectors(tmp_path, corpus):
    summary = w3c.write(tmp_path, corpus)
    collection, rest = load(tmp_path / "annotations.jsonld")
    assert rest == []
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 7
    assert summary.annotations == 7 and summary.orphaned == 1 and summary.left_out == {}
    items = collection["first"]["items"]
    assert items[2] == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://rednote.example.org/annotations/103",
        "type": "Annotation",
        "motivation": "classifying",
        "created": "2024-05-01T10:00:00Z",
        "modified": "2024-05-02T11:30:00+00:00",
        "creator": {"id": "https://rednote.example.org/annotators/annotator-aaaaaaaaaaaa", "type": "Person",
                    "nickname": "annotator-aaaaaaaaaaaa"},
        "body": [
            {"type": "TextualBody", "value": "evidence", "purpose": "classifying"},
            {"type": "TextualBody", "value": "IEA report", "purpose": "commenting", "format": "text/markdown"},
        ],
        "target": {
            "source": "https://rednote.example.org/articles/1/revisions/3",
            "selector": [
                {"type": "TextPositionSelector", "start": 31, "end": 60},
                {"type": "TextQuoteSelector", "exact": "Prices fell by 70%\nsince 2010",
                 "prefix": "Wind is the cheapest power. 🌬️ ", "suffix": ", says Spin\u0308al Tap.\nI think that"},
            ],
        },
    }
    assert items[0]["body"][1] == {
        "type": "SpecificResource", "source": "https://rednote.example.org/claims/10", "purpose": "linking",
    }


def test_an_orphan_keeps_only_its_quote_on_the_revision_it_was_anchored_in(tmp_path, corpus):
    w3c.write(tmp_path, corpus)
    collection, _ = load(tmp_path / "annotations.jsonld")
    orphan = collection["first"]["items"][5]
    assert orphan["target"] == {
        "source": "https://rednote.example.org/articles/1/revisions/2",
        "selector": {"type": "TextQuoteSelector", "exact": "Coal is dead."},
    }


def test_pages_are_linked_by_next_and_prev_with_start_indexes(tmp_path, corpus):
    w3c.write(tmp_path, corpus, page_size=3)
    collection, rest = load(tmp_path / "annotations.jsonld")
    pages = all_pages(collection, rest)
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert [p["startIndex"] for p in pages] == [0, 3, 6]
    assert all(p["partOf"] == {"id": collection["id"]} for p in pages)
    assert [p.get("next") for p in pages] == [pages[1]["id"], pages[2]["id"], None]
    assert [p.get("prev") for p in pages] == [None, pages[0]["id"], pages[1]["id"]]
    assert collection["last"] == pages[-1]["id"]
    ids = [a["id"].rsplit("/", 1)[1] for p in pages for a in p["items"]]
    assert ids == ["101", "102", "103", "104", "105", "106", "107"]


def test_without_a_base_uri_ids_are_stable_urns(tmp_path):
    from tests.exporters import sample

    w3c.write(tmp_path / "a", sample.corpus(base_uri=None))
    w3c.write(tmp_path / "b", sample.corpus(base_uri=None))
    first, _ = load(tmp_path / "a" / "annotations.jsonld")
    again, _ = load(tmp_path / "b" / "annotations.jsonld")
    a = first["first"]["items"][0]
    assert a["id"].startswith("urn:uuid:") and a["target"]["source"].startswith("urn:uuid:")
    assert a == again["first"]["items"][0]


def test_a_relative_base_uri_is_refused(tmp_path):
    from tests.exporters import sample

    with pytest.raises(ValueError, match="must be absolute"):
        w3c.write(tmp_path, sample.corpus(base_uri="rednote.example.org"))


@needs_suite
def test_the_format_checks_are_live():
    """Without rfc3339-validator and rfc3987 jsonschema would skip the formats silently."""
    bad = {"@context": w3c.CONTEXT, "id": "not a uri", "type": "Annotation", "created": "yesterday",
           "target": "https://example.org/doc"}
    failures = w3c_suite.must_failures(bad, w3c_suite.ANNOTATION_MUSTS)
    assert any("3.1-annotationIdValidated" in f for f in failures)
    assert any("3.3.1-annotationCreatedValidated" in f for f in failures)


@needs_suite
@pytest.mark.parametrize("base_uri", ["https://rednote.example.org", None])
def test_everything_passes_every_must_assertion_of_the_w3c_suite(tmp_path, base_uri):
    from tests.exporters import sample

    w3c.write(tmp_path, sample.corpus(base_uri=base_uri), page_size=3)
    collection, rest = load(tmp_path / "annotations.jsonld")
    assert w3c_suite.assertion_count(w3c_suite.ANNOTATION_MUSTS) > 50
    failures = w3c_suite.must_failures(collection, w3c_suite.COLLECTION_MUSTS)
    failures += w3c_suite.must_failures(collection, w3c_suite.PAGE_MUSTS)  # with its embedded first page
    pages = all_pages(collection, rest)
    for page in pages:  # the embedded first page too, on its own
        failures += w3c_suite.must_failures(page, w3c_suite.PAGE_MUSTS)
        for item in page["items"]:
            failures += [f"{item['id']}: {f}" for f in w3c_suite.must_failures(item, w3c_suite.ANNOTATION_MUSTS)]
    assert sum(len(p["items"]) for p in pages) == 7
    assert failures == []
