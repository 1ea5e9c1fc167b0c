import pytest
from django.utils import timezone

from annotations.models import (
    Comment,
    CommentEdit,
    ModerationAction,
    Notification,
    NotificationKind,
)
from annotations.policy import NotAllowed, Refusal
from annotations.services.comments import (
    CommentError,
    QuoteRef,
    comment_create,
    comment_delete,
    comment_update,
)
from annotations.services.ratelimits import RateLimited
from tests.factories import (
    AnnotationFactory,
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return ClaimFactory(author=UserFactory(username="tagger"))


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_member_posts_a_comment_with_a_side_and_markdown(claim, personas):
    before = claim.thread_changed_at
    comment = comment_create(
        author=personas["member"], claim_id=claim.pk, body="The **figures** <script>x()</script>", side="opposes"
    )
    assert (comment.claim, comment.author, comment.side, comment.depth, comment.parent) == (
        claim, personas["member"], "opposes", 0, None
    )
    assert "<strong>figures</strong>" in comment.body_html and "<script>" not in comment.body_html
    claim.refresh_from_db()
    assert claim.thread_changed_at is not None and claim.thread_changed_at != before


def test_a_reply_sits_one_level_below_its_parent_and_tells_the_parents_author(claim, personas):
    parent = comment_create(author=personas["author"], claim_id=claim.pk, body="First.", side="supports")
    reply = comment_create(author=personas["member"], claim_id=claim.pk, body="Why?", parent_id=parent.pk)
    deeper = comment_create(author=personas["author"], claim_id=claim.pk, body="Because.", parent_id=reply.pk)
    assert (reply.parent, reply.depth, reply.side, deeper.depth) == (parent, 1, "", 2)
    told = Notification.objects.get(recipient=personas["author"], kind=NotificationKind.REPLY)
    assert told.comment == reply and told.url == f"/claims/{claim.pk}/#comment-{reply.pk}"
    assert "member replied to your comment" in told.message
    assert kinds_for(personas["member"]) == [NotificationKind.REPLY]  # the reply to the reply


def test_a_reply_cannot_take_a_side(claim, personas):
    parent = comment_create(author=personas["author"], claim_id=claim.pk, body="First.")
    with pytest.raises(CommentError) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="Yes", parent_id=parent.pk, side="supports")
    assert raised.value.field == "side" and "top-level" in str(raised.value)
    assert Comment.objects.count() == 1


def test_the_parent_must_be_in_the_same_thread(claim, personas):
    elsewhere = CommentFactory()
    with pytest.raises(CommentError) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="Hm", parent_id=elsewhere.pk)
    assert raised.value.field == "parent"
    assert not Comment.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"body": "   \n"}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"side": "neutral"}, "side"),
        ({"parent_id": 999_999}, "parent"),
    ],
)
def test_bad_comments_name_the_field_and_save_nothing(claim, personas, change, field):
    arguments = {"author": personas["member"], "claim_id": claim.pk, "body": "Fine.", **change}
    with pytest.raises(CommentError) as raised:
        comment_create(**arguments)
    assert raised.value.field == field
    assert not Comment.objects.exists() and not Notification.objects.exists()


def test_a_comment_quotes_a_passage_of_any_article(claim, personas):
    article = ArticleFactory(text="Another Report\nWages rose by 2% only. Bonuses were cut.")
    text = article.current_revision.text
    start = text.index("Wages")
    comment = comment_create(
        author=personas["member"], claim_id=claim.pk, body="See this.",
        quote=QuoteRef(article.pk, start, start + len("Wages rose by 2% only.")),
    )
    assert (comment.quote_article, comment.quote_revision) == (article, article.current_revision)
    assert comment.quote_text == "Wages rose by 2% only."


@pytest.mark.parametrize("offsets", [(5, 5), (10, 4), (0, 10_000)])
def test_a_quote_outside_the_text_is_refused(claim, personas, offsets):
    article = ArticleFactory()
    with pytest.raises(CommentError) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="See.", quote=QuoteRef(article.pk, *offsets))
    assert raised.value.field == "quote"
    assert not Comment.objects.exists()


def test_a_quote_of_a_missing_article_or_of_white_space_is_refused(claim, personas):
    article = ArticleFactory(text="Title Line\nOne sentence here.\nAnother one there.")
    gap = article.current_revision.text.index("\nAnother")
    for quote in (QuoteRef(999_999, 0, 5), QuoteRef(article.pk, gap, gap + 1)):
        with pytest.raises(CommentError) as raised:
            comment_create(author=personas["member"], claim_id=claim.pk, body="See.", quote=quote)
        assert raised.value.field == "quote"
    assert not Comment.objects.exists()


def test_mentions_of_real_people_are_links_and_notifications(claim, personas):
    UserFactory(username="Grace")
    comment = comment_create(
        author=personas["member"], claim_id=claim.pk, body="@author and @grace, see `@admin`. @nobody?"
    )
    assert '<a href="/users/author/" class="mention"' in comment.body_html
    assert '<a href="/users/Grace/" class="mention"' in comment.body_html
    assert "<code>@admin</code>" in comment.body_html and "@nobody?" in comment.body_html
    assert kinds_for(personas["author"]) == [NotificationKind.MENTION]
    assert kinds_for(personas["admin"]) == []  # inside code: not a mention


def test_people_who_tagged_the_claim_hear_of_new_comments_once(claim, personas):
    tagger = claim.annotations.get().author
    AnnotationFactory(author=personas["author"], article=claim.article, tag="claim")
    parent = comment_create(author=personas["author"], claim_id=claim.pk, body="First.")
    comment_create(author=personas["member"], claim_id=claim.pk, body="@tagger look", parent_id=parent.pk)
    # The author tagged the claim too, but hears of the reply once, as a reply.
    assert kinds_for(personas["author"]) == [NotificationKind.REPLY]
    assert sorted(kinds_for(tagger)) == [NotificationKind.ACTIVITY, NotificationKind.MENTION]
    assert kinds_for(personas["member"]) == []  # never told of one's own comment


def test_refused_writers_save_nothing_and_tell_nobody(claim, personas):
    for name, code in [("anonymous", Refusal.ANONYMOUS), ("silenced", Refusal.SILENCED), ("suspended", Refusal.SUSPENDED)]:
        user = personas[name]
        if user is None:
            from django.contrib.auth.models import AnonymousUser

            user = AnonymousUser()
        with pytest.raises(NotAllowed) as raised:
            comment_create(author=user, claim_id=claim.pk, body="Hello")
        assert raised.value.code == code
    assert not Comment.objects.exists() and not Notification.objects.exists()


def test_a_locked_thread_refuses_members_but_not_moderators(claim, personas):
    claim.thread_locked_at = timezone.now()
    claim.thread_lock_reason = "Cooling off"
    claim.save()
    with pytest.raises(NotAllowed) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="Hello")
    assert raised.value.code == Refusal.LOCKED and "Cooling off" in str(raised.value)
    assert comment_create(author=personas["moderator"], claim_id=claim.pk, body="Noted.").pk


def test_a_hidden_or_deleted_comment_cannot_be_replied_to(claim, personas):
    hidden = CommentFactory(claim=claim, author=personas["author"], hidden_at=timezone.now(), hidden_reason="spam")
    deleted = CommentFactory(claim=claim, author=personas["author"], deleted_at=timezone.now())
    with pytest.raises(NotAllowed) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="Hi", parent_id=hidden.pk)
    assert raised.value.code == Refusal.NOT_FOUND
    with pytest.raises(NotAllowed) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="Hi", parent_id=deleted.pk)
    assert raised.value.code == Refusal.DELETED
    assert comment_create(author=personas["author"], claim_id=claim.pk, body="Mine", parent_id=hidden.pk).depth == 1


def test_a_missing_or_hidden_claim_is_not_found(claim, personas):
    claim.hidden_at = timezone.now()
    claim.save()
    for claim_id in (claim.pk, 999_999):
        with pytest.raises(NotAllowed) as raised:
            comment_create(author=personas["member"], claim_id=claim_id, body="Hello")
        assert raised.value.code == Refusal.NOT_FOUND


def test_posting_too_fast_is_refused_and_saves_nothing(claim, personas, settings):
    settings.REDNOTE_RATE_LIMITS = True
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "comment": 2}
    for n in range(2):
        comment_create(author=personas["member"], claim_id=claim.pk, body=f"Comment {n}")
    with pytest.raises(RateLimited) as raised:
        comment_create(author=personas["member"], claim_id=claim.pk, body="One too many")
    assert raised.value.retry_after >= 1
    assert Comment.objects.count() == 2
    for n in range(3):  # moderators are exempt
        comment_create(author=personas["moderator"], claim_id=claim.pk, body=f"Moderator {n}")


def test_editing_keeps_the_history_and_marks_the_comment_edited(claim, personas):
    comment = comment_create(author=personas["author"], claim_id=claim.pk, body="Frist.", side="supports")
    updated = comment_update(comment=comment, user=personas["author"], body="First, *fixed*.", side="question")
    assert (updated.body, updated.side) == ("First, *fixed*.", "question")
    assert "<em>fixed</em>" in updated.body_html and updated.edited_at is not None
    assert list(CommentEdit.objects.values_list("body", "side")) == [("Frist.", "supports")]
    assert comment_update(comment=updated, user=personas["author"], body="First, *fixed*.").edited_at == updated.edited_at
    assert CommentEdit.objects.count() == 1  # no change, no history row


def test_editing_a_reply_cannot_give_it_a_side(claim, personas):
    parent = CommentFactory(claim=claim)
    reply = CommentFactory(parent=parent, author=personas["author"])
    with pytest.raises(CommentError) as raised:
        comment_update(comment=reply, user=personas["author"], side="opposes")
    assert raised.value.field == "side"
    reply.refresh_from_db()
    assert reply.side == "" and not CommentEdit.objects.exists()


def test_only_the_author_or_a_moderator_edits_and_deletes(claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Mine.")
    for name in ("member", "silenced"):
        with pytest.raises(NotAllowed):
            comment_update(comment=comment, user=personas[name], body="Theirs.")
        with pytest.raises(NotAllowed):
            comment_delete(comment=comment, user=personas[name])
    comment.refresh_from_db()
    assert (comment.body, comment.deleted_at, comment.edited_at) == ("Mine.", None, None)
    assert not ModerationAction.objects.exists()


def test_a_moderator_editing_or_deleting_someone_elses_comment_is_audited_and_told(claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Rude words.")
    comment_update(comment=comment, user=personas["moderator"], body="[removed]")
    comment_delete(comment=comment, user=personas["moderator"])
    actions = list(ModerationAction.objects.order_by("id").values_list("action", "target_type", "target_id", "actor_username"))
    assert actions == [("edit", "comment", str(comment.pk), "moderator"), ("delete", "comment", str(comment.pk), "moderator")]
    assert ModerationAction.objects.filter(action="edit").get().before["body"] == "Rude words."
    assert kinds_for(personas["author"]) == [NotificationKind.MODERATION, NotificationKind.MODERATION]


def test_the_author_editing_or_deleting_is_not_a_moderator_action(claim, personas):
    comment = CommentFactory(claim=claim, author=personas["moderator"])
    comment_update(comment=comment, user=personas["moderator"], body="Changed.")
    comment_delete(comment=comment, user=personas["moderator"])
    assert not ModerationAction.objects.exists()


def test_someone_newly_mentioned_in_an_edit_is_told_once(claim, personas):
    comment = comment_create(author=personas["member"], claim_id=claim.pk, body="Hello @author")
    comment_update(comment=comment, user=personas["member"], body="Hello @author and @admin")
    comment_update(comment=comment, user=personas["member"], body="Hello again @author and @admin")
    assert kinds_for(personas["author"]) == [NotificationKind.MENTION]
    assert kinds_for(personas["admin"]) == [NotificationKind.MENTION]


def test_deleting_is_soft_and_final(claim, personas):
    comment = CommentFactory(claim=claim, author=personas["author"], body="Regret.")
    comment_delete(comment=comment, user=personas["author"])
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.body == "Regret." and comment.state == "deleted"
    with pytest.raises(NotAllowed) as raised:
        comment_update(comment=comment, user=personas["author"], body="Undo")
    assert raised.value.code == Refusal.DELETED
    with pytest.raises(NotAllowed):
        comment_delete(comment=comment, user=personas["author"])
