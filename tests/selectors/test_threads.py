import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.selectors.threads import claim_thread, quote_url, recent_comments_by
from tests.factories import ClaimFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return ClaimFactory()


def shown(claim, user=None, **options) -> list[tuple]:
    thread = claim_thread(claim, user=user or AnonymousUser(), **options)
    return [(item.body_html.removeprefix("<p>").removesuffix("</p>\n"), item.display_depth) for item in thread.items]


def test_the_thread_is_a_pre_order_walk_with_depths(claim):
    a = CommentFactory(claim=claim, body="a")
    b = CommentFactory(claim=claim, body="b")
    a1 = CommentFactory(parent=a, body="a1")
    CommentFactory(parent=b, body="b1")
    CommentFactory(parent=a1, body="a1x")
    CommentFactory(parent=a, body="a2")
    assert shown(claim) == [("a", 0), ("a1", 1), ("a1x", 2), ("a2", 1), ("b", 0), ("b1", 1)]


def test_newest_first_sorts_top_level_comments_only(claim):
    a = CommentFactory(claim=claim, body="a")
    CommentFactory(claim=claim, body="b")
    CommentFactory(parent=a, body="a1")
    CommentFactory(parent=a, body="a2")
    assert [body for body, _ in shown(claim, ordering="newest")] == ["b", "a", "a1", "a2"]


def test_the_side_filter_keeps_top_level_comments_of_that_side_with_their_replies(claim):
    pro = CommentFactory(claim=claim, body="pro", side="supports")
    CommentFactory(claim=claim, body="con", side="opposes")
    CommentFactory(parent=pro, body="reply to pro")
    assert [body for body, _ in shown(claim, side="supports")] == ["pro", "reply to pro"]
    assert [body for body, _ in shown(claim, side="question")] == []


def test_unknown_filters_are_refused(claim):
    with pytest.raises(ValueError):
        claim_thread(claim, user=AnonymousUser(), side="neutral")
    with pytest.raises(ValueError):
        claim_thread(claim, user=AnonymousUser(), ordering="best")


def test_replies_past_depth_four_are_flat_and_say_whom_they_answer(claim):
    parent = CommentFactory(claim=claim, body="0")
    for depth in range(1, 7):
        parent = CommentFactory(parent=parent, body=str(depth), author=UserFactory(username=f"d{depth}"))
    items = claim_thread(claim, user=AnonymousUser()).items
    assert [(item.depth, item.display_depth, item.replying_to) for item in items] == [
        (0, 0, None), (1, 1, None), (2, 2, None), (3, 3, None), (4, 4, None), (5, 4, "d4"), (6, 4, "d5"),
    ]


def test_a_hidden_comment_with_replies_is_a_placeholder_for_others_and_whole_for_its_author_and_moderators(
    claim, personas
):
    hidden = CommentFactory(
        claim=claim, author=personas["author"], body="rude", hidden_at=timezone.now(), hidden_reason="insults"
    )
    CommentFactory(parent=hidden, body="reply")
    for viewer in (None, personas["member"]):
        first = claim_thread(claim, user=viewer or AnonymousUser()).items[0]
        assert (first.placeholder, first.state, first.author, first.body_html, first.hidden_reason) == (
            True, "hidden", None, "", None
        )
        assert first.placeholder_text == "hidden by moderators" and first.quote is None and not first.can_reply
    for viewer in (personas["author"], personas["moderator"]):
        first = claim_thread(claim, user=viewer).items[0]
        assert (first.placeholder, first.author, first.hidden_reason) == (False, "author", "insults")
        assert "rude" in first.body_html


def test_a_hidden_comment_without_visible_replies_is_gone_for_others(claim, personas):
    hidden = CommentFactory(claim=claim, author=personas["author"], body="rude", hidden_at=timezone.now())
    CommentFactory(parent=hidden, body="also rude", hidden_at=timezone.now())
    CommentFactory(claim=claim, body="fine")
    assert [body for body, _ in shown(claim, personas["member"])] == ["fine"]
    assert [body for body, _ in shown(claim, personas["moderator"])] == ["rude", "also rude", "fine"]
    assert [body for body, _ in shown(claim, personas["author"])] == ["rude", "fine"]


def test_a_deleted_comment_is_a_placeholder_while_it_has_replies_even_for_moderators(claim, personas):
    kept = CommentFactory(claim=claim, author=personas["author"], body="secret", deleted_at=timezone.now())
    CommentFactory(parent=kept, body="reply")
    CommentFactory(claim=claim, body="gone", deleted_at=timezone.now())
    for viewer in (AnonymousUser(), personas["author"], personas["moderator"]):
        items = claim_thread(claim, user=viewer).items
        assert [(item.state, item.placeholder, item.author, item.body_html) for item in items][0] == (
            "deleted", True, None, ""
        )
        assert items[0].placeholder_text == "[deleted]" and items[0].body is None
        assert len(items) == 2  # the deleted comment without replies is absent


def test_what_a_viewer_may_do_to_each_comment(claim, personas):
    mine = CommentFactory(claim=claim, author=personas["author"], body="Mine")
    for name, expected in [
        ("anonymous", (False, False, False, False, None)),
        ("member", (True, False, False, True, None)),
        ("author", (True, True, True, False, "Mine")),
        ("silenced", (False, False, False, False, None)),
        ("moderator", (True, True, True, True, "Mine")),
    ]:
        item = claim_thread(claim, user=personas[name] or AnonymousUser()).items[0]
        assert (item.can_reply, item.can_edit, item.can_delete, item.can_flag, item.body) == expected, name
    assert mine.pk == item.id


def test_the_thread_says_why_a_viewer_may_not_post(claim, personas):
    assert claim_thread(claim, user=personas["member"]).can_comment
    assert "silenced" in claim_thread(claim, user=personas["silenced"]).refusal
    assert claim_thread(claim, user=AnonymousUser()).refusal == ""
    claim.thread_locked_at, claim.thread_lock_reason = timezone.now(), "heated"
    claim.save()
    member_view = claim_thread(claim, user=personas["member"])
    assert not member_view.can_comment and member_view.refusal == "This thread is locked by moderators: heated"
    assert claim_thread(claim, user=personas["moderator"]).can_comment


def test_the_thread_reads_a_fixed_number_of_queries_from_10_to_1000_comments(claim, personas):
    viewer = personas["member"]
    CommentFactory.create_batch(10, claim=claim)

    def count() -> int:
        fresh = type(viewer).objects.get(pk=viewer.pk)  # nothing remembered from an earlier read
        with CaptureQueriesContext(connection) as queries:
            claim_thread(claim, user=fresh, ordering="newest")
        return len(queries)

    few = count()
    authors = get_user_model().objects.bulk_create(get_user_model()(username=f"writer{n}") for n in range(20))
    tops = CommentFactory.create_batch(90, claim=claim, author=factory.Iterator(authors))
    for top in tops[:45]:
        CommentFactory.create_batch(20, parent=top, author=factory.Iterator(authors))
    assert claim.comments.count() == 1000
    assert count() == few


def test_a_quote_links_to_its_passage_in_the_reader():
    url = quote_url(7, 10, 40, "Prices rose by 12% - in a year, roughly.")
    assert url == "/articles/7/#passage-10-40:~:text=Prices%20rose%20by%2012%25%20%2D%20in%20a%20year%2C%20roughly."
    long = quote_url(7, 0, 300, "One two three four five " * 10 + "\nsix seven eight nine ten")
    assert long.endswith(":~:text=One%20two%20three%20four,seven%20eight%20nine%20ten")


def test_a_persons_recent_comments_leave_out_what_the_viewer_may_not_see(claim, personas):
    author = personas["author"]
    CommentFactory(claim=claim, author=author, body="visible")
    CommentFactory(claim=claim, author=author, body="hidden", hidden_at=timezone.now())
    CommentFactory(claim=claim, author=author, body="deleted", deleted_at=timezone.now())
    hidden_claim = ClaimFactory()
    hidden_claim.hidden_at = timezone.now()
    hidden_claim.save()
    CommentFactory(claim=hidden_claim, author=author, body="on a hidden claim")
    assert [c.body for c in recent_comments_by(author, viewer=personas["member"])] == ["visible"]
    assert [c.body for c in recent_comments_by(author, viewer=personas["moderator"])] == [
        "on a hidden claim", "hidden", "visible"
    ]
