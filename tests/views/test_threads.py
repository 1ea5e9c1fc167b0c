import re

import factory
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Comment, CommentEdit
from annotations.services.comments import comment_create
from tests.factories import ArticleFactory, ClaimFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def claim():
    return ClaimFactory()


def signed_in(client, user):
    client.force_login(user)
    return client


def page(client, claim, query: str = "") -> str:
    response = client.get(f"/claims/{claim.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def debate(html: str) -> str:
    return html.split('id="debate"', 1)[1]


def comment_html(html: str, comment_id: int) -> str:
    match = re.search(rf'<li id="comment-{comment_id}".*?</li>', html, re.S)
    assert match, f"comment {comment_id} is not on the page"
    return match.group(0)


def test_the_claim_page_has_a_debate_with_a_post_form_for_members(client, claim, personas):
    html = debate(page(signed_in(client, personas["member"]), claim))
    assert 'id="thread-post-form"' in html and 'name="body"' in html and 'name="side"' in html
    assert "No comments yet" in html
    assert f'hx-get="/claims/{claim.pk}/thread/live/?stamp=0' in html


def test_visitors_are_invited_to_sign_in_and_silenced_members_told_why_not(client, claim, personas):
    assert "Sign in</a> to join the debate" in debate(page(client, claim))
    html = debate(page(signed_in(client, personas["silenced"]), claim))
    assert "You are silenced until" in html and 'name="body"' not in html.split('id="thread-comments"')[0]


def test_a_locked_thread_replaces_the_form_for_members_but_not_for_moderators(client, claim, personas):
    claim.thread_locked_at, claim.thread_lock_reason = timezone.now(), "Cooling off"
    claim.save()
    html = debate(page(signed_in(client, personas["member"]), claim))
    assert "This thread is locked by moderators: Cooling off" in html and 'id="comment-body"' not in html
    html = debate(page(signed_in(client, personas["moderator"]), claim))
    assert 'id="comment-body"' in html and "This thread is locked: Cooling off" in html


def test_posting_without_javascript_goes_back_to_the_new_comment(client, claim, personas):
    client = signed_in(client, personas["member"])
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "I **doubt** it", "side": "opposes"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/#comment-{comment.pk}"
    item = comment_html(page(client, claim), comment.pk)
    assert "<strong>doubt</strong>" in item and 'data-side="opposes"' in item and ">member</a>" in item


def test_posting_with_htmx_answers_the_fresh_list_and_a_blank_form(client, claim, personas):
    response = signed_in(client, personas["member"]).post(f"/claims/{claim.pk}/comments/", {"body": "Hello"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="thread-comments"')
    assert "<p>Hello</p>" in html
    assert 'id="thread-post-form"' in html and 'hx-swap-oob="true"' in html
    assert "Hello</textarea>" not in html


def test_a_bad_comment_comes_back_with_the_error_and_what_was_typed(client, claim, personas):
    client = signed_in(client, personas["member"])
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "x" * 10_001, "side": "question"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400 and response["HX-Retarget"] == "#thread-post-form"
    assert "at most 10000 characters" in html and "x" * 10_001 in html
    assert '<option value="question" selected>' in html
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "  ", "side": "question"})
    assert response.status_code == 400 and "Write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_silenced_member_posting_anyway_is_refused_with_the_reason(client, claim, personas):
    response = signed_in(client, personas["silenced"]).post(f"/claims/{claim.pk}/comments/", {"body": "Hi"}, **HTMX)
    assert response.status_code == 403 and "You are silenced until" in response.content.decode()
    assert not Comment.objects.exists()


def test_posting_too_fast_says_when_to_try_again(client, claim, personas, settings):
    settings.REDNOTE_RATE_LIMITS = True
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "comment": 1}
    client = signed_in(client, personas["member"])
    client.post(f"/claims/{claim.pk}/comments/", {"body": "One"}, **HTMX)
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "Two"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 429 and "You are posting too fast; try again in" in html and "Two</textarea>" in html
    assert int(response["Retry-After"]) >= 1


def test_replying_without_javascript(client, claim, personas):
    parent = CommentFactory(claim=claim, author=personas["author"], body="Top")
    client = signed_in(client, personas["member"])
    html = page(client, claim, f"?reply={parent.pk}")
    slot = comment_html(html, parent.pk).split(f'id="slot-{parent.pk}"')[1]
    assert f'name="parent" value="{parent.pk}"' in slot and "Reply to author" in slot
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "A reply", "parent": parent.pk})
    reply = Comment.objects.get(parent=parent)
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    assert 'data-depth="1"' in comment_html(page(client, claim), reply.pk)


def test_the_reply_form_loads_into_the_comments_slot_and_a_reply_clears_it(client, claim, personas):
    parent = CommentFactory(claim=claim, author=personas["author"], body="Top")
    other = CommentFactory(claim=claim, body="Other")
    client = signed_in(client, personas["member"])
    form = client.get(f"/comments/{parent.pk}/reply/", **HTMX).content.decode()
    assert f'name="parent" value="{parent.pk}"' in form and 'hx-target="#thread-comments"' in form
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "Answer", "parent": parent.pk}, **HTMX)
    html = response.content.decode()
    # The slot just used is replaced (its form goes); the others keep what is typed in them.
    assert f'id="slot-{parent.pk}" class="comment-slot"></div>' in html
    assert f'id="slot-{other.pk}" class="comment-slot" hx-preserve="true">' in html
    assert 'hx-swap-oob' not in html  # the top-level form keeps what is typed in it


def test_replies_past_depth_four_say_whom_they_answer(client, claim):
    parent = CommentFactory(claim=claim)
    for depth in range(1, 6):
        parent = CommentFactory(parent=parent, author=UserFactory(username=f"d{depth}"))
    item = comment_html(page(client, claim), parent.pk)
    assert 'data-depth="4"' in item and "replying to <a" in item and "@d4</a>" in item


def test_filtering_and_sorting_the_thread(client, claim):
    pro = CommentFactory(claim=claim, body="pro", side="supports")
    con = CommentFactory(claim=claim, body="con", side="opposes")
    response = client.get(f"/claims/{claim.pk}/thread/", {"filter_side": "opposes"}, **HTMX)
    html = response.content.decode()
    assert f"comment-{con.pk}" in html and f"comment-{pro.pk}" not in html
    assert response["HX-Push-Url"] == f"/claims/{claim.pk}/?filter_side=opposes&ordering=oldest"
    html = debate(page(client, claim, "?ordering=newest"))
    assert html.index(f"comment-{con.pk}") < html.index(f"comment-{pro.pk}")
    assert '<option value="newest" selected>' in html
    plain = client.get(f"/claims/{claim.pk}/thread/", {"filter_side": "supports"})
    assert plain.status_code == 302 and plain["Location"].endswith("?filter_side=supports&ordering=oldest#debate")


def test_the_live_poll_is_a_204_until_someone_comments(client, claim, personas):
    html = debate(page(client, claim))
    stamp = re.search(r'data-stamp="(\d+)"', html).group(1)
    live = f"/claims/{claim.pk}/thread/live/"
    assert client.get(live, {"stamp": stamp}, **HTMX).status_code == 204
    comment_create(author=personas["member"], claim_id=claim.pk, body="Fresh news")
    response = client.get(live, {"stamp": stamp}, **HTMX)
    assert response.status_code == 200 and "Fresh news" in response.content.decode()
    new_stamp = re.search(r'data-stamp="(\d+)"', response.content.decode()).group(1)
    assert new_stamp != stamp and client.get(live, {"stamp": new_stamp}, **HTMX).status_code == 204
    assert client.get("/claims/999999/thread/live/", {"stamp": "0"}, **HTMX).status_code == 404


def test_editing_marks_the_comment_and_keeps_a_history_for_its_author(client, claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Frist")
    client = signed_in(client, personas["author"])
    form = client.get(f"/comments/{comment.pk}/edit/", **HTMX).content.decode()
    assert "Frist</textarea>" in form
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "First", "side": "supports"}, **HTMX)
    item = comment_html(response.content.decode(), comment.pk)
    assert "<p>First</p>" in item and ">edited</span>" in item and f"/comments/{comment.pk}/history/" in item
    history = client.get(f"/comments/{comment.pk}/history/").content.decode()
    assert "Frist" in history and "<p>First</p>" in history
    assert CommentEdit.objects.count() == 1


def test_others_cannot_edit_or_see_the_history(client, claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Mine")
    comment.edited_at = timezone.now()
    comment.save()
    client = signed_in(client, personas["member"])
    item = comment_html(page(client, claim), comment.pk)
    assert ">edited</span>" in item and "history</a>" not in item and "Edit</a>" not in item
    assert client.get(f"/comments/{comment.pk}/edit/", **HTMX).status_code == 403
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Theirs"}, **HTMX)
    assert response.status_code == 403 and "Only its author" in response.content.decode()
    assert client.get(f"/comments/{comment.pk}/history/", **HTMX).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_a_deleted_comment_with_replies_stays_as_deleted(client, claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Regret")
    CommentFactory(parent=comment, body="Reply")
    alone = CommentFactory(claim=claim, author=personas["author"], body="Alone")
    client = signed_in(client, personas["author"])
    response = client.post(f"/comments/{comment.pk}/delete/", **HTMX)
    assert response.status_code == 200
    item = comment_html(response.content.decode(), comment.pk)
    assert "[deleted]" in item and "Regret" not in item and "author" not in item
    assert client.post(f"/comments/{alone.pk}/delete/").status_code == 302
    assert f"comment-{alone.pk}" not in page(client, claim)
    refused = signed_in(client, personas["member"]).post(f"/comments/{comment.pk}/delete/", **HTMX)
    assert refused.status_code == 403


def test_hidden_comments_are_placeholders_for_members_and_marked_for_their_author(client, claim, personas):
    hidden = CommentFactory(claim=claim, author=personas["author"], body="Rude", hidden_at=timezone.now(), hidden_reason="insults")
    CommentFactory(parent=hidden, body="Reply")
    item = comment_html(page(signed_in(client, personas["member"]), claim), hidden.pk)
    assert "hidden by moderators" in item and "Rude" not in item and "author" not in item
    item = comment_html(page(signed_in(client, personas["author"]), claim), hidden.pk)
    assert "hidden: insults" in item and "Rude" in item


def test_mentions_link_to_a_persons_page_which_lists_their_visible_comments(client, claim, personas):
    comment_create(author=personas["member"], claim_id=claim.pk, body="Ask @author about it")
    CommentFactory(claim=claim, author=personas["author"], body="Seen by all")
    CommentFactory(claim=claim, author=personas["author"], body="Not for you", hidden_at=timezone.now())
    html = debate(page(client, claim))
    assert '<a href="/users/author/" class="mention"' in html
    profile = client.get("/users/author/").content.decode()
    assert "Seen by all" in profile and "Not for you" not in profile and f"/claims/{claim.pk}/#comment-" in profile
    assert client.get("/users/nobody/").status_code == 404


def test_quoting_a_passage_of_any_article_including_the_claims_own(client, claim, personas):
    other = ArticleFactory(text="Another Report\nWages rose by 2% only. Bonuses were cut.")
    client = signed_in(client, personas["member"])
    results = client.get(f"/claims/{claim.pk}/thread/passages/", {"q": "wages"}, **HTMX).content.decode()
    start = other.current_revision.text.index("Wages")
    value = f"{other.pk}:{start}:{start + 22}"
    assert f'value="{value}"' in results and "Another Report" in results
    own = client.get(f"/claims/{claim.pk}/thread/passages/", {"q": "first claim"}, **HTMX).content.decode()
    assert f'value="{claim.article_id}:' in own
    client.post(f"/claims/{claim.pk}/comments/", {"body": "Look", "quote": value})
    item = comment_html(page(client, claim), Comment.objects.get().pk)
    assert "Wages rose by 2% only." in item and f'href="/articles/{other.pk}/#passage-{start}-{start + 22}:~:text=' in item


def test_the_claim_page_makes_as_many_queries_for_1000_comments_as_for_10(client, claim, personas):
    client = signed_in(client, personas["member"])
    CommentFactory.create_batch(10, claim=claim, author=personas["author"])
    caches["reads"].clear()  # both pages built afresh: the claim's own parts are cached otherwise
    with CaptureQueriesContext(connection) as few:
        page(client, claim)
    User = get_user_model()
    authors = User.objects.bulk_create(User(username=f"writer{n}") for n in range(200))
    tops = CommentFactory.create_batch(190, claim=claim, author=factory.Iterator(authors))
    for top in tops[:40]:
        CommentFactory.create_batch(20, parent=top, author=factory.Iterator(authors))
    assert claim.comments.count() == 1000
    caches["reads"].clear()
    with CaptureQueriesContext(connection) as many:
        html = page(client, claim)
    assert html.count('class="comment') >= 1000
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_flag_control_opens_under_a_comment_when_asked_for(client, claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Dubious")
    client = signed_in(client, personas["member"])
    item = comment_html(page(client, claim), comment.pk)
    assert f'href="?flag={comment.pk}#slot-{comment.pk}"' in item and 'name="reason"' not in item
    fragment = client.get(f"/comments/{comment.pk}/flag/", **HTMX).content.decode()
    assert f'id="flag-comment-{comment.pk}"' in fragment and 'name="reason"' in fragment
    slot = comment_html(page(client, claim, f"?flag={comment.pk}"), comment.pk).split(f'id="slot-{comment.pk}"')[1]
    assert 'name="target_type" value="comment"' in slot and f'name="target_id" value="{comment.pk}"' in slot
    own = signed_in(client, personas["author"])
    assert "Flag</a>" not in comment_html(page(own, claim), comment.pk)
    assert own.get(f"/comments/{comment.pk}/flag/", **HTMX).status_code == 403


def test_a_claim_hidden_meanwhile_closes_the_live_thread_and_refuses_replies(client, claim, personas):
    parent = CommentFactory(claim=claim, body="Top")
    client = signed_in(client, personas["member"])
    claim.hidden_at, claim.thread_changed_at = timezone.now(), timezone.now()
    claim.save()
    live = client.get(f"/claims/{claim.pk}/thread/live/", {"stamp": "0"}, **HTMX)
    assert live.status_code == 404 and "no longer available" in live.content.decode()
    assert 'hx-trigger' not in live.content.decode()  # the polling stops
    reply = client.post(f"/claims/{claim.pk}/comments/", {"body": "Hi", "parent": parent.pk}, **HTMX)
    assert reply.status_code == 404 and reply["HX-Retarget"] == f"#slot-{parent.pk}"
    assert not Comment.objects.filter(parent=parent).exists()
