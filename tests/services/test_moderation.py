"""Resolving queue items and locking threads: what each action does to the item, who is told,
the version check, and exactly one audit row per action."""
import pytest
from django.utils import timezone

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Flag,
    ModerationAction,
    Notification,
    QueueItem,
    QueueState,
    Source,
    UserViewpoint,
)
from annotations.policy import NotAllowed, Refusal
from annotations.request_log import serving
from annotations.services.flags import flag_create
from annotations.services.moderation import (
    ModerationError,
    StaleVersion,
    queue_item_resolve,
    thread_lock,
    thread_unlock,
)
from tests.factories import ClaimFactory, LinkSourceFactory, ThreadCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def flagged(target, *, people=1, groups=(None,)):
    """Flag `target` by `people` new users spread over `groups`; its queue item."""
    for n in range(people):
        person = UserFactory()
        group = groups[n % len(groups)]
        UserViewpoint.objects.create(user=person, intercept=0, factor=0, group=-1 if group is None else group)
        flag_create(flagger=person, target_type=target._meta.model_name, target_id=target.pk, reason="spam")
    return QueueItem.objects.get(target_type=target._meta.model_name, target_id=target.pk)


def resolve(moderator, item, action, reason="", version=None):
    """As a moderator at 192.0.2.7 would."""
    with serving("192.0.2.7"):
        return queue_item_resolve(
            moderator=moderator, item_id=item.pk, action=action, reason=reason,
            version=item.version if version is None else version,
        )


def test_hide_hides_the_item_with_the_reason_and_tells_the_author(personas):
    comment = ThreadCommentFactory()
    item = flagged(comment)
    resolved = resolve(personas["moderator"], item, "hide", reason="Personal attack.")
    comment.refresh_from_db()
    assert (comment.hidden_reason, comment.state) == ("Personal attack.", "hidden")
    assert (resolved.state, resolved.version, resolved.resolved_by) == (QueueState.HIDDEN, item.version + 1,
                                                                          personas["moderator"])
    assert Flag.objects.filter(cleared_at__isnull=True).count() == 0
    note = Notification.objects.get(recipient=comment.author)
    assert note.kind == "moderation" and "Personal attack." in note.message and note.comment == comment
    row = ModerationAction.objects.get()
    assert (row.actor, row.action, row.target_type, row.target_id, row.target_user, row.ip) == (
        personas["moderator"], "hide", "comment", str(comment.pk), comment.author, "192.0.2.7",
    )
    assert row.before["target"]["hidden_at"] is None and row.after["target"]["hidden_reason"] == "Personal attack."
    assert row.before["item"]["state"] == "open" and row.after["item"]["state"] == "hidden"


def test_hide_and_delete_need_a_reason(personas):
    item = flagged(ThreadCommentFactory())
    for action in ("hide", "delete"):
        with pytest.raises(ModerationError) as error:
            resolve(personas["moderator"], item, action, reason=" ")
        assert error.value.field == "reason"
    assert not ModerationAction.objects.exists()
    assert QueueItem.objects.get().state == QueueState.OPEN


def test_dismiss_brings_back_an_item_the_flags_hid(personas, settings):
    settings.REDNOTE_FLAG_HIDE_THRESHOLD = 2
    comment = ThreadCommentFactory()
    item = flagged(comment, people=2, groups=(0, 1))
    comment.refresh_from_db()
    assert comment.hidden_at is not None and item.auto_hidden
    resolve(personas["moderator"], item, "dismiss")
    comment.refresh_from_db()
    item.refresh_from_db()
    assert comment.hidden_at is None and comment.hidden_reason == ""
    assert (item.state, item.auto_hidden, item.flaggers, item.score) == (QueueState.DISMISSED, False, 0, 0)
    assert "visible again" in Notification.objects.get(recipient=comment.author).message


def test_dismiss_leaves_an_item_hidden_by_a_moderator_hidden(personas):
    comment = ThreadCommentFactory(hidden_at=timezone.now(), hidden_reason="Earlier decision.")
    moderator = personas["moderator"]
    flag_create(flagger=moderator, target_type="comment", target_id=comment.pk, reason="spam")
    item = QueueItem.objects.get()
    resolve(moderator, item, "dismiss")
    comment.refresh_from_db()
    assert comment.hidden_reason == "Earlier decision."
    assert not Notification.objects.filter(recipient=comment.author).exists()


def test_restore_shows_a_hidden_item_again(personas):
    comment = ThreadCommentFactory()
    item = flagged(comment)
    item = resolve(personas["moderator"], item, "hide", reason="Spam.")
    item = resolve(personas["admin"], item, "restore")
    comment.refresh_from_db()
    assert comment.hidden_at is None and item.state == QueueState.RESTORED
    assert ModerationAction.objects.count() == 2


def test_delete_soft_deletes_a_comment_and_keeps_its_replies(personas):
    comment = ThreadCommentFactory()
    reply = ThreadCommentFactory(claim=comment.claim, parent=comment, depth=1)
    item = flagged(comment)
    resolve(personas["moderator"], item, "delete", reason="Doxxing.")
    comment.refresh_from_db()
    assert comment.state == "deleted" and Comment.objects.filter(pk=reply.pk).exists()


def test_delete_removes_an_annotation_and_the_log_keeps_what_it_was(personas):
    claim = ClaimFactory()
    annotation = claim.annotations.get()
    item = flagged(annotation)
    resolve(personas["moderator"], item, "delete", reason="Vandalism.")
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    row = ModerationAction.objects.get()
    assert row.before["target"]["exact"] == annotation.exact and row.before["target"]["tag"] == "claim"
    assert row.after["target"] is None
    assert Notification.objects.get(recipient=annotation.author).message == "Moderators removed your annotation: Vandalism."


def test_delete_removes_a_source(personas):
    source = LinkSourceFactory()
    item = flagged(source)
    resolve(personas["moderator"], item, "delete", reason="Link farm.")
    assert not Source.objects.filter(pk=source.pk).exists()
    assert ModerationAction.objects.get().before["target"]["url"] == "https://example.org/report"


def test_delete_hides_a_claim_for_good_and_keeps_its_votes(personas):
    from annotations.services.votes import vote_cast

    claim = ClaimFactory()
    vote_cast(user=UserFactory(), claim_id=claim.pk, value="agree")
    item = flagged(claim)
    resolve(personas["moderator"], item, "delete", reason="Not a claim: an advert.")
    claim.refresh_from_db()
    assert claim.hidden_reason == "Not a claim: an advert." and claim.votes.count() == 1
    assert QueueItem.objects.get().state == QueueState.DELETED


def test_a_stale_version_changes_nothing_and_says_what_happened(personas):
    comment = ThreadCommentFactory()
    item = flagged(comment)
    seen = item.version
    resolve(personas["moderator"], item, "hide", reason="Spam.", version=seen)
    with pytest.raises(StaleVersion) as error:
        resolve(personas["admin"], item, "dismiss", version=seen)
    assert error.value.item.state == QueueState.HIDDEN
    assert str(error.value).startswith("moderator already hid this at ")
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert ModerationAction.objects.count() == 1


def test_a_flag_arriving_meanwhile_makes_the_version_stale(personas):
    comment = ThreadCommentFactory()
    item = flagged(comment)
    seen = item.version
    flagged(comment)
    with pytest.raises(StaleVersion) as error:
        resolve(personas["moderator"], item, "dismiss", version=seen)
    assert "2 people flag it now" in str(error.value)


def test_members_cannot_resolve_and_unknown_items_are_not_found(personas):
    item = flagged(ThreadCommentFactory())
    for name in ("member", "author", "silenced", "suspended"):
        with pytest.raises(NotAllowed):
            resolve(personas[name], item, "hide", reason="x")
    with pytest.raises(NotAllowed) as error:
        queue_item_resolve(moderator=personas["moderator"], item_id=item.pk + 99, action="dismiss", reason="", version=1)
    assert error.value.code == Refusal.NOT_FOUND
    with pytest.raises(ModerationError):
        resolve(personas["moderator"], item, "ban")
    assert not ModerationAction.objects.exists()


def test_lock_and_unlock_a_thread(personas):
    claim = ClaimFactory()
    moderator = personas["moderator"]
    thread_lock(moderator=moderator, claim_id=claim.pk, reason="Cooling off.")
    claim.refresh_from_db()
    assert claim.thread_locked_at is not None and claim.thread_locked_by == moderator
    assert claim.thread_lock_reason == "Cooling off." and claim.thread_changed_at is not None
    with pytest.raises(ModerationError):
        thread_lock(moderator=moderator, claim_id=claim.pk, reason="Again.")
    thread_unlock(moderator=moderator, claim_id=claim.pk, reason="")
    claim.refresh_from_db()
    assert claim.thread_locked_at is None and claim.thread_lock_reason == ""
    rows = list(ModerationAction.objects.order_by("pk").values_list("action", "target_type", "target_id"))
    assert rows == [("lock", "claim", str(claim.pk)), ("unlock", "claim", str(claim.pk))]


def test_a_lock_needs_a_reason_and_a_moderator(personas):
    claim = ClaimFactory()
    with pytest.raises(ModerationError):
        thread_lock(moderator=personas["moderator"], claim_id=claim.pk, reason="")
    with pytest.raises(NotAllowed):
        thread_lock(moderator=personas["member"], claim_id=claim.pk, reason="Mine.")
    with pytest.raises(NotAllowed) as error:
        thread_lock(moderator=personas["moderator"], claim_id=claim.pk + 99, reason="Gone.")
    assert error.value.code == Refusal.NOT_FOUND
    assert Claim.objects.get(pk=claim.pk).thread_locked_at is None
    assert not ModerationAction.objects.exists()
