import pytest
from django.utils import timezone

from annotations.models import Comment, CommentEdit, Notification
from annotations.services.comments import comment_create, comment_update
from tests.conftest import client_for
from tests.factories import ArticleFactory, ClaimFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "id", "claim", "parent", "depth", "display_depth", "replying_to", "author", "side", "body_html", "body",
    "quote", "created", "edited", "state", "hidden_reason",
}


@pytest.fixture
def claim():
    return ClaimFactory()


def url(claim) -> str:
    return f"/api/claims/{claim.pk}/comments/"


def test_the_thread_is_a_flat_list_in_display_order_with_the_contract_fields(claim, personas):
    top = CommentFactory(claim=claim, author=personas["author"], body="Top", side="supports")
    reply = CommentFactory(parent=top, author=personas["member"], body="Reply")
    other = CommentFactory(claim=claim, body="Other", side="opposes")
    body = client_for(None).get(url(claim)).json()
    assert [c["id"] for c in body] == [top.pk, reply.pk, other.pk]
    assert set(body[0]) == FIELDS
    assert {k: body[1][k] for k in ("parent", "depth", "author", "side", "state", "quote", "edited", "body")} == {
        "parent": top.pk, "depth": 1, "author": "member", "side": "", "state": "visible", "quote": None,
        "edited": None, "body": None,
    }
    assert body[0]["body_html"] == "<p>Top</p>\n"


def test_the_thread_is_filtered_by_side_and_sorted(claim):
    pro = CommentFactory(claim=claim, side="supports")
    con = CommentFactory(claim=claim, side="opposes")
    pro_reply = CommentFactory(parent=pro)
    client = client_for(None)
    assert [c["id"] for c in client.get(url(claim), {"side": "supports"}).json()] == [pro.pk, pro_reply.pk]
    assert [c["id"] for c in client.get(url(claim), {"ordering": "newest"}).json()] == [con.pk, pro.pk, pro_reply.pk]
    bad = client.get(url(claim), {"side": "neutral", "ordering": "best"})
    assert bad.status_code == 400 and {"side", "ordering", "detail"} <= set(bad.json())


def test_placeholders_have_no_body_and_no_author(claim, personas):
    hidden = CommentFactory(claim=claim, author=personas["author"], hidden_at=timezone.now(), hidden_reason="spam")
    CommentFactory(parent=hidden)
    member_view = client_for(personas["member"]).get(url(claim)).json()[0]
    assert (member_view["state"], member_view["body_html"], member_view["author"], member_view["hidden_reason"]) == (
        "hidden", "", None, None
    )
    author_view = client_for(personas["author"]).get(url(claim)).json()[0]
    assert (author_view["author"], author_view["hidden_reason"]) == ("author", "spam") and author_view["body_html"]


def test_a_hidden_claims_thread_is_not_found_for_members(claim, personas):
    claim.hidden_at = timezone.now()
    claim.save()
    assert client_for(personas["member"]).get(url(claim)).status_code == 404
    assert client_for(None).get(url(claim)).status_code == 404
    assert client_for(personas["moderator"]).get(url(claim)).status_code == 200
    assert client_for(None).get("/api/claims/999999/comments/").status_code == 404


def test_posting_a_comment_and_a_reply(claim, personas):
    client = client_for(personas["member"])
    top = client.post(url(claim), {"body": "I *disagree*", "side": "opposes"}, format="json")
    assert top.status_code == 201
    assert {k: top.json()[k] for k in ("depth", "side", "author", "body", "state")} == {
        "depth": 0, "side": "opposes", "author": "member", "body": "I *disagree*", "state": "visible"
    }
    assert top.json()["body_html"] == "<p>I <em>disagree</em></p>\n"
    reply = client_for(personas["author"]).post(url(claim), {"body": "Why?", "parent": top.json()["id"]}, format="json")
    assert reply.status_code == 201 and (reply.json()["parent"], reply.json()["depth"]) == (top.json()["id"], 1)
    assert Notification.objects.filter(recipient=personas["member"], kind="reply").count() == 1


def test_posting_a_quote(claim, personas):
    article = ArticleFactory(text="Another Report\nWages rose by 2% only. Bonuses were cut.")
    start = article.current_revision.text.index("Wages")
    quote = {"article": article.pk, "start": start, "end": start + 22}
    response = client_for(personas["member"]).post(url(claim), {"body": "See", "quote": quote}, format="json")
    assert response.status_code == 201
    assert response.json()["quote"] == {
        "article": article.pk, "start": start, "end": start + 22, "text": "Wages rose by 2% only.",
        "url": f"/articles/{article.pk}/#passage-{start}-{start + 22}:~:text=Wages%20rose%20by%202%25%20only.",
    }


@pytest.mark.parametrize(
    "data, field",
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "Hi", "side": "neutral"}, "side"),
        ({"body": "Hi", "parent": 999_999}, "parent"),
        ({"body": "Hi", "quote": {"article": 999_999, "start": 0, "end": 4}}, "quote"),
        ({"body": "Hi", "quote": {"article": "ART", "start": 5, "end": 1}}, "quote"),
    ],
)
def test_bad_comments_are_400s_naming_the_field(claim, personas, data, field):
    if isinstance(data.get("quote"), dict) and data["quote"]["article"] == "ART":
        data = {**data, "quote": {**data["quote"], "article": ArticleFactory().pk}}
    response = client_for(personas["member"]).post(url(claim), data, format="json")
    assert response.status_code == 400
    assert field in response.json() and response.json()["detail"]
    assert not Comment.objects.exists()


def test_a_reply_with_a_side_is_refused(claim, personas):
    parent = CommentFactory(claim=claim)
    response = client_for(personas["member"]).post(
        url(claim), {"body": "Yes", "parent": parent.pk, "side": "supports"}, format="json"
    )
    assert response.status_code == 400 and "top-level" in response.json()["side"][0]
    assert Comment.objects.count() == 1


def test_a_locked_thread_refuses_members_with_the_reason(claim, personas):
    claim.thread_locked_at, claim.thread_lock_reason = timezone.now(), "Off the rails"
    claim.save()
    refused = client_for(personas["member"]).post(url(claim), {"body": "Hi"}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "This thread is locked by moderators: Off the rails"
    assert client_for(personas["moderator"]).post(url(claim), {"body": "Calm down."}, format="json").status_code == 201
    assert Comment.objects.count() == 1


def test_posting_too_fast_answers_429_with_retry_after(claim, personas, settings):
    settings.REDNOTE_RATE_LIMITS = True
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "comment": 1}
    client = client_for(personas["member"])
    assert client.post(url(claim), {"body": "One"}, format="json").status_code == 201
    response = client.post(url(claim), {"body": "Two"}, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "too fast" in response.json()["detail"]
    assert Comment.objects.count() == 1


# The status each persona gets; the test also checks that nothing changed where it was refused.
# Anonymous callers and suspended tokens get DRF's 403 (session authentication comes first and
# offers no challenge).
MATRIX = {
    #             post  patch  delete  history
    "anonymous": (403, 403, 403, 403),
    "member": (201, 403, 403, 403),
    "author": (201, 200, 204, 200),
    "silenced": (403, 403, 403, 403),
    "suspended": (403, 403, 403, 403),
    "moderator": (201, 200, 204, 200),
    "admin": (201, 200, 204, 200),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_the_permission_matrix(claim, personas, persona):
    post, patch, delete, history = MATRIX[persona]
    comment = comment_create(author=personas["author"], claim_id=claim.pk, body="Original")
    comment_update(comment=comment, user=personas["author"], body="Edited once")
    client = client_for(personas[persona])
    assert client.get(url(claim)).status_code == (403 if persona == "suspended" else 200)

    response = client.post(url(claim), {"body": "New"}, format="json")
    assert response.status_code == post, response.json()
    if persona == "silenced":
        assert "You are silenced until" in response.json()["detail"]
    assert Comment.objects.count() == (2 if post == 201 else 1)

    response = client.patch(f"/api/comments/{comment.pk}/", {"body": "Changed"}, format="json")
    assert response.status_code == patch, response.json()
    comment.refresh_from_db()
    assert comment.body == ("Changed" if patch == 200 else "Edited once")

    response = client.get(f"/api/comments/{comment.pk}/history/")
    assert response.status_code == history
    if history == 200:
        assert [edit["body"] for edit in response.json()][-1] == "Original"

    response = client.delete(f"/api/comments/{comment.pk}/")
    assert response.status_code == delete
    comment.refresh_from_db()
    assert (comment.deleted_at is not None) == (delete == 204)


def test_a_hidden_comment_is_not_found_for_others(claim, personas):
    hidden = CommentFactory(claim=claim, author=personas["author"], hidden_at=timezone.now(), hidden_reason="spam")
    for path in (f"/api/comments/{hidden.pk}/", f"/api/comments/{hidden.pk}/history/"):
        assert client_for(personas["member"]).get(path).status_code == 404
    assert client_for(personas["member"]).patch(f"/api/comments/{hidden.pk}/", {"body": "x"}, format="json").status_code == 404
    mine = client_for(personas["author"]).get(f"/api/comments/{hidden.pk}/")
    assert mine.status_code == 200 and mine.json()["hidden_reason"] == "spam"


def test_editing_through_the_api_keeps_the_history(claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Frist", side="supports")
    client = client_for(personas["author"])
    response = client.patch(f"/api/comments/{comment.pk}/", {"body": "First", "side": "question"}, format="json")
    assert response.status_code == 200 and response.json()["edited"] is not None
    assert response.json()["side"] == "question"
    history = client.get(f"/api/comments/{comment.pk}/history/").json()
    assert [(h["body"], h["side"], h["editor"]) for h in history] == [("Frist", "supports", "author")]
    assert client.patch(f"/api/comments/{comment.pk}/", {}, format="json").status_code == 400
    assert CommentEdit.objects.count() == 1


def test_a_deleted_comment_reads_as_a_placeholder(claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Regret")
    CommentFactory(parent=comment)
    assert client_for(personas["author"]).delete(f"/api/comments/{comment.pk}/").status_code == 204
    body = client_for(personas["author"]).get(f"/api/comments/{comment.pk}/").json()
    assert (body["state"], body["body_html"], body["author"], body["body"]) == ("deleted", "", None, None)
    thread = client_for(None).get(url(claim)).json()
    assert [c["state"] for c in thread] == ["deleted", "visible"]
    assert client_for(personas["author"]).get(f"/api/comments/{comment.pk}/history/").status_code == 404


def test_the_thread_reads_a_fixed_number_of_queries(claim, django_assert_num_queries):
    CommentFactory.create_batch(3, claim=claim, author=UserFactory())
    client = client_for(None)
    with django_assert_num_queries(2):  # the claim, the thread with its authors
        client.get(url(claim))
    CommentFactory.create_batch(30, claim=claim, author=UserFactory())
    with django_assert_num_queries(2):
        client.get(url(claim))
