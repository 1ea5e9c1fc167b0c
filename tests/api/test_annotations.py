import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from annotations.models import Annotation, AnnotationEdit, Claim
from annotations.services.annotations import annotation_update
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db

START = TEXT.index(CRITICS)
END = START + len(CRITICS)


@pytest.fixture
def article(user):
    return ArticleFactory(text=TEXT, created_by=user)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client, on, **payload):
    return client.post("/api/annotations/", {"article": on.pk, "tag": "claim", **payload}, format="json")


def test_create_answers_the_annotation_as_saved(user_client, user, article):
    response = post(user_client, article, start=START, end=END, note="*Too* vague", quote=CRITICS)
    assert response.status_code == 201, response.content
    body = response.json()
    sentence = article.current_revision.sentences.get(start=START)
    annotation = Annotation.objects.get()
    assert body == {
        "id": annotation.pk,
        "url": f"http://testserver/api/annotations/{annotation.pk}/",
        "article": article.pk,
        "revision": 1,
        "start": START,
        "end": END,
        "quote": CRITICS,
        "prefix": TEXT[START - 32 : START],
        "suffix": TEXT[END : END + 32],
        "sentences": [sentence.pk],
        "tag": "claim",
        "note": "*Too* vague",
        "note_html": "<p><em>Too</em> vague</p>\n",
        "author": user.username,
        "created": body["created"],
        "modified": body["modified"],
        "anchor_state": "anchored",
        "claim": annotation.claim_id,
        "hidden": False,
        "hidden_reason": "",
    }
    assert annotation.claim_id is not None and body["created"].endswith("Z")


def test_two_readers_tagging_the_same_span_get_the_same_claim(user_client, article):
    first = post(user_client, article, start=START, end=END).json()
    second = post(client_for(UserFactory()), article, start=START, end=END).json()
    opinion = post(user_client, article, start=START, end=END, tag="opinion").json()
    assert first["claim"] == second["claim"] is not None
    assert opinion["claim"] is None


def test_a_position_and_quote_selector_pair_creates_the_annotation(user_client, article):
    target = {
        "selector": [
            {"type": "TextPositionSelector", "start": START, "end": END},
            {"type": "TextQuoteSelector", "exact": CRITICS, "prefix": TEXT[START - 10 : START], "suffix": " Supp"},
        ]
    }
    response = post(user_client, article, target=target)
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["end"]) == (START, END)


def test_a_quote_selector_alone_is_found_in_the_text(user_client, article):
    response = post(user_client, article, target={"selector": {"type": "TextQuoteSelector", "exact": "The vote"}})
    assert response.status_code == 201, response.content
    assert response.json()["start"] == TEXT.index("The vote was close")


def test_a_quote_selector_chooses_between_repeated_words_by_its_context(user_client, article):
    quote = {"type": "TextQuoteSelector", "exact": "the", "prefix": "Critics say that ", "suffix": " plan"}
    response = post(user_client, article, target={"selector": [quote]})
    assert response.status_code == 201, response.content
    assert response.json()["start"] == TEXT.index("the plan")


def test_a_position_that_lost_its_quote_is_re_anchored_by_the_quote(user_client, article):
    target = {
        "selector": [
            {"type": "TextPositionSelector", "start": 0, "end": len(CRITICS)},
            {"type": "TextQuoteSelector", "exact": CRITICS},
        ]
    }
    response = post(user_client, article, target=target)
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["quote"]) == (START, CRITICS)


def test_a_position_selector_alone_is_taken_as_it_is(user_client, article):
    response = post(user_client, article, target={"selector": [{"type": "TextPositionSelector", "start": START, "end": END}]})
    assert response.status_code == 201, response.content
    assert response.json()["quote"] == CRITICS


def test_offsets_on_an_older_revision_land_on_the_current_text(user_client, article):
    response = user_client.patch(
        f"/api/articles/{article.pk}/", {"text": TEXT.replace("The council", "On Monday the council")}, format="json"
    )
    assert response.status_code == 200, response.content
    created = post(user_client, article, start=START, end=END, revision=1, quote=CRITICS)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["revision"] == 2 and body["quote"] == CRITICS
    assert body["start"] == START + len("On Monday ")


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"start": START, "end": START}, "end"),
        ({"start": END, "end": START}, "end"),
        ({"start": START, "end": len(TEXT) + 1}, "end"),
        ({"start": len(TEXT) + 3, "end": len(TEXT) + 9}, "start"),
        ({"start": -1, "end": END}, "start"),
        ({"start": START, "end": END, "quote": "Critics say nothing."}, "quote"),
        ({"start": START, "end": END, "tag": "rumour"}, "tag"),
        ({"start": START, "end": END, "revision": 9}, "revision"),
        ({"start": START}, "end"),
        ({"start": START, "end": END, "article": 999_999}, "article"),
        ({"start": START, "end": END, "note": "x" * 10_001}, "note"),
        ({"target": {"selector": [{"type": "TextQuoteSelector", "exact": "Not in the text at all"}]}}, "target"),
        ({"target": {"selector": [{"type": "FragmentSelector", "value": "p=1"}]}}, "target"),
        ({"target": {"selector": []}}, "target"),
        ({"target": {"selector": [{"type": "TextPositionSelector", "start": 3}]}}, "target"),
        ({"start": START, "end": END, "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"}]}}, "target"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(user_client, article, payload, field):
    response = post(user_client, article, **payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and field in body, body
    assert not Annotation.objects.exists() and not Claim.objects.exists()


def test_anonymous_users_cannot_annotate(api_client, article):
    response = post(api_client, article, start=START, end=END)
    assert response.status_code in (401, 403)
    assert not Annotation.objects.exists()


def test_list_filters_by_article_tag_author_and_mine(user, user_client, article):
    other_user = UserFactory(username="someone")
    other_article = ArticleFactory()
    mine = AnnotationFactory(article=article, author=user, tag="claim", quote=CRITICS)
    theirs = AnnotationFactory(article=article, author=other_user, tag="opinion", quote="The vote was close.")
    elsewhere = AnnotationFactory(article=other_article, author=other_user, tag="claim")

    def ids(query: str, client=user_client) -> set[int]:
        body = client.get(f"/api/annotations/{query}").json()
        return {item["id"] for item in body["results"]}

    assert ids("") == {mine.pk, theirs.pk, elsewhere.pk}
    assert ids(f"?article={article.pk}") == {mine.pk, theirs.pk}
    assert ids("?tag=claim") == {mine.pk, elsewhere.pk}
    assert ids("?author=someone") == {theirs.pk, elsewhere.pk}
    assert ids(f"?author=someone&article={other_article.pk}&tag=claim") == {elsewhere.pk}
    assert ids("?mine=true") == {mine.pk}
    assert ids("?mine=true", client=APIClient()) == set()
    assert user_client.get("/api/annotations/?tag=rumour").status_code == 400


def test_list_is_paginated(user_client, article, user):
    for quote in (CRITICS, "The vote was close.", "Nobody expected it."):
        AnnotationFactory(article=article, author=user, quote=quote)
    body = user_client.get("/api/annotations/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_listing_fifty_annotations_takes_a_constant_number_of_queries(api_client, django_assert_num_queries):
    article = ArticleFactory(text="Title Line\n" + " ".join(f"Sentence {i} is here." for i in range(25)))
    users = [UserFactory() for _ in range(5)]
    sentences = list(article.current_revision.sentences.filter(kind="content"))
    text = article.current_revision.text
    for i in range(50):
        sentence = sentences[i % 25]
        AnnotationFactory(
            article=article, author=users[i % 5], tag=("claim", "opinion")[i % 2],
            quote=text[sentence.start : sentence.end] if i < 25 else text[sentence.start : sentence.end - 1],
        )
    # count, page, covered sentences, revision text
    with django_assert_num_queries(4):
        body = api_client.get("/api/annotations/?page_size=50").json()
    assert len(body["results"]) == 50 and all(item["sentences"] for item in body["results"])
    with django_assert_num_queries(4):
        page = api_client.get("/api/annotations/?page_size=50", HTTP_ACCEPT="application/ld+json").json()
    assert len(page["items"]) == 50


def test_detail_and_missing_annotations(api_client, article):
    annotation = AnnotationFactory(article=article, quote=CRITICS)
    body = api_client.get(f"/api/annotations/{annotation.pk}/").json()
    assert (body["id"], body["quote"], body["author"]) == (annotation.pk, CRITICS, annotation.author.username)
    missing = api_client.get("/api/annotations/999999/")
    assert missing.status_code == 404 and missing.json()["detail"]


def test_the_author_edits_the_tag_and_note(user_client, user, article):
    annotation = AnnotationFactory(article=article, author=user, tag="opinion", quote=CRITICS)
    response = user_client.patch(
        f"/api/annotations/{annotation.pk}/", {"tag": "claim", "note": "Check **this**"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["tag"], body["note"], body["note_html"]) == ("claim", "Check **this**", "<p>Check <strong>this</strong></p>\n")
    assert body["claim"] == Claim.objects.get().pk


@pytest.mark.parametrize("payload, field", [({"tag": "rumour"}, "tag"), ({"note": "x" * 10_001}, "note")])
def test_bad_edits_are_a_400_naming_the_field(user_client, user, article, payload, field):
    annotation = AnnotationFactory(article=article, author=user, note="kept", quote=CRITICS)
    response = user_client.patch(f"/api/annotations/{annotation.pk}/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    annotation.refresh_from_db()
    assert (annotation.tag, annotation.note) == ("opinion", "kept")


def test_others_cannot_edit_or_delete_and_nothing_changes(article):
    annotation = AnnotationFactory(article=article, note="original", quote=CRITICS)
    for client, statuses in ((client_for(UserFactory()), {403}), (APIClient(), {401, 403})):
        edit = client.patch(f"/api/annotations/{annotation.pk}/", {"note": "vandalised"}, format="json")
        delete = client.delete(f"/api/annotations/{annotation.pk}/")
        assert edit.status_code in statuses and delete.status_code in statuses
        assert edit.json()["detail"]
    annotation.refresh_from_db()
    assert annotation.note == "original" and not AnnotationEdit.objects.exists()


def test_the_author_deletes_and_a_moderator_may_too(user_client, user, article):
    mine = AnnotationFactory(article=article, author=user, quote=CRITICS)
    theirs = AnnotationFactory(article=article, quote="The vote was close.")
    assert user_client.delete(f"/api/annotations/{mine.pk}/").status_code == 204
    moderator = client_for(UserFactory(role="moderator"))
    assert moderator.patch(f"/api/annotations/{theirs.pk}/", {"note": "Edited by a moderator"}, format="json").status_code == 200
    assert moderator.delete(f"/api/annotations/{theirs.pk}/").status_code == 204
    assert not Annotation.objects.exists()


def test_history_lists_earlier_versions_to_the_author_and_moderators_only(user_client, user, article):
    annotation = AnnotationFactory(article=article, author=user, tag="opinion", note="first", quote=CRITICS)
    annotation_update(annotation=annotation, user=user, note="second")
    annotation_update(annotation=annotation, user=user, tag="evidence")
    url = f"/api/annotations/{annotation.pk}/history/"
    body = user_client.get(url).json()
    assert [(edit["tag"], edit["note"], edit["editor"]) for edit in body] == [
        ("opinion", "second", user.username), ("opinion", "first", user.username)
    ]
    assert client_for(UserFactory(role="moderator")).get(url).status_code == 200
    assert client_for(UserFactory()).get(url).status_code == 403
    assert APIClient().get(url).status_code in (401, 403)


def test_the_schema_documents_the_annotation_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    expected = {
        "/api/annotations/": {"get", "post"},
        "/api/annotations/{id}/": {"get", "patch", "delete"},
        "/api/annotations/{id}/history/": {"get"},
        "/api/articles/{id}/": {"get", "patch"},
        "/api/claims/": {"get"},
        "/api/claims/{id}/": {"get"},
        "/api/claims/{claim_id}/evidence/": {"get", "post"},
        "/api/claims/{claim_id}/evidence/{id}/": {"get", "delete"},
        "/api/claims/{claim_id}/sources/": {"get", "post"},
        "/api/claims/{claim_id}/sources/{id}/": {"get", "delete"},
        "/api/search/": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    create = paths["/api/annotations/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("AnnotationCreateRequest")
    detail = paths["/api/annotations/{id}/"]["get"]["responses"]["200"]["content"]
    assert detail["application/json"]["schema"]["$ref"].endswith("/Annotation")
    assert detail["application/ld+json"]["schema"]["$ref"].endswith("/W3CAnnotation")
    revise = paths["/api/articles/{id}/"]["patch"]
    assert revise["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("ArticleReviseRequest")


def test_the_schema_is_generated_without_warnings_and_is_valid(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/annotations/{id}/history/" in (tmp_path / "schema.yml").read_text()
