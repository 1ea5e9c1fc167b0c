"""Annotations and sources as W3C Web Annotations (application/ld+json)."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from annotations.services.claims import source_create
from annotations.services.revisions import article_revise
from tests.factories import AnnotationFactory, ArticleFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db

START = TEXT.index(CRITICS)
UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
JSONLD = "application/ld+json"


@pytest.fixture
def article(user):
    return ArticleFactory(text=TEXT, created_by=user)


def query(url: str) -> dict[str, list[str]]:
    assert url.startswith("http://testserver/api/")
    return parse_qs(urlsplit(url).query)


def as_jsonld(client, url: str):
    response = client.get(url, HTTP_ACCEPT=JSONLD)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(JSONLD)
    return response.json()


def test_an_annotation_is_a_w3c_web_annotation(api_client, article):
    annotation = AnnotationFactory(article=article, tag="claim", quote=CRITICS)
    body = as_jsonld(api_client, f"/api/annotations/{annotation.pk}/")
    assert body == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"http://testserver/api/annotations/{annotation.pk}/",
        "type": "Annotation",
        "motivation": "classifying",
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": "claim"}],
        "target": {
            "source": f"http://testserver/articles/{article.pk}/",
            "selector": [
                {"type": "TextPositionSelector", "start": START, "end": START + len(CRITICS)},
                {
                    "type": "TextQuoteSelector",
                    "exact": CRITICS,
                    "prefix": TEXT[START - 32 : START],
                    "suffix": TEXT[START + len(CRITICS) :][:32],
                },
            ],
        },
        "creator": {"type": "Person", "nickname": annotation.author.username},
        "created": body["created"],
        "modified": body["modified"],
    }
    assert UTC_Z.match(body["created"]) and UTC_Z.match(body["modified"])


def test_a_note_becomes_a_commenting_body_in_markdown(api_client, article):
    annotation = AnnotationFactory(article=article, tag="evidence", note="Source: *the minutes*", quote=CRITICS)
    body = as_jsonld(api_client, f"/api/annotations/{annotation.pk}/?format=jsonld")
    assert body["motivation"] == ["classifying", "commenting"]
    assert body["body"] == [
        {"type": "TextualBody", "purpose": "classifying", "value": "evidence"},
        {"type": "TextualBody", "purpose": "commenting", "value": "Source: *the minutes*", "format": "text/markdown"},
    ]


def test_the_target_follows_the_current_text_and_an_orphan_keeps_only_its_quote(api_client, article, user):
    moved = AnnotationFactory(article=article, quote=CRITICS)
    lost = AnnotationFactory(article=article, quote="The vote was close.")
    new_text = TEXT.replace("The council", "Late on Monday the council").replace("The vote was close. ", "")
    article_revise(article=article, text=new_text, user=user)

    selectors = as_jsonld(api_client, f"/api/annotations/{moved.pk}/")["target"]["selector"]
    position = selectors[0]
    assert new_text[position["start"] : position["end"]] == CRITICS == selectors[1]["exact"]
    assert new_text[: position["start"]].endswith(selectors[1]["prefix"])

    orphan = as_jsonld(api_client, f"/api/annotations/{lost.pk}/")["target"]["selector"]
    assert orphan == [
        {"type": "TextQuoteSelector", "exact": "The vote was close.", "prefix": lost.prefix, "suffix": lost.suffix}
    ]


def test_a_w3c_target_read_from_the_api_annotates_the_same_passage(api_client, user_client, article):
    original = AnnotationFactory(article=article, quote=CRITICS)
    target = as_jsonld(api_client, f"/api/annotations/{original.pk}/")["target"]
    response = user_client.post(
        "/api/annotations/", {"article": article.pk, "tag": "opinion", "target": target}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["end"]) == (original.start, original.end)


def test_the_list_is_an_annotation_page_of_a_collection(api_client, article):
    for quote in (CRITICS, "The vote was close.", "Nobody expected it."):
        AnnotationFactory(article=article, quote=quote)
    page = as_jsonld(api_client, f"/api/annotations/?article={article.pk}&page_size=2")
    assert page["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    collection = page["partOf"]
    assert (collection["type"], collection["total"]) == ("AnnotationCollection", 3)
    assert query(collection["id"]) == {"article": [str(article.pk)], "page_size": ["2"]}
    assert query(collection["first"]) == {**query(collection["id"]), "page": ["1"]}
    assert query(collection["last"]) == query(page["next"]) == {**query(collection["id"]), "page": ["2"]}
    assert "prev" not in page
    assert [item["type"] for item in page["items"]] == ["Annotation", "Annotation"]
    assert all("@context" not in item for item in page["items"])
    second = as_jsonld(api_client, page["next"])
    assert second["startIndex"] == 2 and len(second["items"]) == 1 and second["prev"]


def test_a_source_is_a_linking_annotation_on_the_claims_passage(api_client, article, user):
    claim = AnnotationFactory(article=article, tag="claim", quote=CRITICS).claim
    link = source_create(
        author=user, claim_id=claim.pk, stance="contradicts", url="https://example.org/costs", title="Costs",
        note="Cheaper than said.",
    )
    cited = ArticleFactory(text="Other Article\nRoads cost little here. Really.")
    passage = source_create(
        author=user, claim_id=claim.pk, stance="supports", passage_article=cited, passage_start=14, passage_end=37,
    )

    body = as_jsonld(api_client, f"/api/claims/{claim.pk}/sources/{link.pk}/")
    assert body["type"] == "Annotation" and body["motivation"] == "linking"
    assert body["id"] == f"http://testserver/api/claims/{claim.pk}/sources/{link.pk}/"
    assert body["body"] == [
        {"id": "https://example.org/costs", "purpose": "linking"},
        {"type": "TextualBody", "purpose": "classifying", "value": "contradicts"},
        {"type": "TextualBody", "purpose": "commenting", "value": "Cheaper than said.", "format": "text/markdown"},
    ]
    assert body["target"]["source"] == f"http://testserver/articles/{article.pk}/"
    assert body["target"]["selector"][0] == {"type": "TextPositionSelector", "start": START, "end": START + len(CRITICS)}
    assert body["creator"] == {"type": "Person", "nickname": user.username} and UTC_Z.match(body["created"])

    cited_body = as_jsonld(api_client, f"/api/claims/{claim.pk}/sources/{passage.pk}/")["body"][0]
    assert cited_body == {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": f"http://testserver/articles/{cited.pk}/",
        "selector": [
            {"type": "TextPositionSelector", "start": 14, "end": 37},
            {"type": "TextQuoteSelector", "exact": "Roads cost little here."},
        ],
    }
    page = as_jsonld(api_client, f"/api/claims/{claim.pk}/sources/")
    assert page["type"] == "AnnotationPage" and {item["motivation"] for item in page["items"]} == {"linking"}
