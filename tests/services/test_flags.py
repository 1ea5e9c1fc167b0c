"""Flagging: one flag per person and item, the daily cap, the queue item, and the brigade rule
hiding an item pending review only when people from different opinion groups flag it."""
import datetime as dt

import pytest
from django.utils import timezone

from annotations.models import Flag, QueueItem, QueueState, UserViewpoint
from annotations.policy import NotAllowed, Refusal
from annotations.services.flags import AlreadyFlagged, FlagCapReached, FlagError, flag_create
from annotations.services.moderation import queue_item_resolve
from annotations.services.ratelimits import RateLimited
from tests.factories import ClaimFactory, LinkSourceFactory, ThreadCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def place(users, group):
    """Put users in an opinion group as a refit would (−1: no group)."""
    for person in users:
        UserViewpoint.objects.update_or_create(user=person, defaults={"intercept": 0, "factor": 0, "group": group})


def flag(person, target, reason="spam", note=""):
    return flag_create(
        flagger=person, target_type=target._meta.model_name, target_id=target.pk, reason=reason, note=note
    )


def test_a_first_flag_puts_the_item_in_the_queue_with_its_author_and_place():
    comment = ThreadCommentFactory()
    flagger = UserFactory()
    saved = flag(flagger, comment, reason="harassment", note="Insults another reader.")
    item = QueueItem.objects.get()
    assert (item.target_type, item.target_id, item.state) == ("comment", comment.pk, QueueState.OPEN)
    assert item.target_author == comment.author
    assert item.claim_id == comment.claim_id and item.article_id == comment.claim.article_id
    assert (item.flaggers, item.flagger_groups, item.score) == (1, 1, 0.5)
    assert (saved.item, saved.reason, saved.note) == (item, "harassment", "Insults another reader.")
    comment.claim.refresh_from_db()
    assert comment.claim.thread_changed_at is not None


@pytest.mark.parametrize("kind", ["annotation", "source", "claim"])
def test_every_kind_of_item_can_be_flagged(kind):
    claim = ClaimFactory()
    target = {"annotation": claim.annotations.first(), "source": LinkSourceFactory(claim=claim), "claim": claim}[kind]
    flag(UserFactory(), target)
    item = QueueItem.objects.get()
    assert (item.target_type, item.target_id) == (kind, target.pk)
    assert item.article_id == claim.article_id


def test_flagging_the_same_item_twice_is_refused_and_saves_nothing_more():
    comment, flagger = ThreadCommentFactory(), UserFactory()
    flag(flagger, comment)
    with pytest.raises(AlreadyFlagged):
        flag(flagger, comment, reason="off_topic")
    assert Flag.objects.count() == 1
    assert QueueItem.objects.get().version == 2  # created at 1, moved once by the one flag


def test_other_needs_a_note():
    comment = ThreadCommentFactory()
    with pytest.raises(FlagError) as error:
        flag(UserFactory(), comment, reason="other", note="  ")
    assert error.value.field == "note"
    assert not QueueItem.objects.exists() and not Flag.objects.exists()


@pytest.mark.parametrize(
    ("target_type", "reason", "field"), [("poem", "spam", "target_type"), ("comment", "boring", "reason")]
)
def test_unknown_kinds_and_reasons_are_named(target_type, reason, field):
    comment = ThreadCommentFactory()
    with pytest.raises(FlagError) as error:
        flag_create(flagger=UserFactory(), target_type=target_type, target_id=comment.pk, reason=reason)
    assert error.value.field == field


def test_a_missing_item_or_one_the_flagger_cannot_see_is_not_found():
    hidden = ThreadCommentFactory(hidden_at=timezone.now(), hidden_reason="spam")
    for target_id in (hidden.pk, hidden.pk + 1000):
        with pytest.raises(NotAllowed) as error:
            flag_create(flagger=UserFactory(), target_type="comment", target_id=target_id, reason="spam")
        assert error.value.code == Refusal.NOT_FOUND
    assert not QueueItem.objects.exists()


def test_a_deleted_comment_cannot_be_flagged():
    comment = ThreadCommentFactory(deleted_at=timezone.now())
    with pytest.raises(NotAllowed) as error:
        flag(UserFactory(), comment)
    assert error.value.code == Refusal.NOT_FOUND


def test_silenced_and_suspended_people_cannot_flag(personas):
    comment = ThreadCommentFactory()
    for name in ("silenced", "suspended"):
        with pytest.raises(NotAllowed) as error:
            flag(personas[name], comment)
        assert error.value.code == name
    assert not Flag.objects.exists()


def test_the_daily_cap_counts_the_last_24_hours(settings):
    settings.REDNOTE_FLAGS_PER_DAY = 2
    flagger = UserFactory()
    comments = ThreadCommentFactory.create_batch(3)
    flag(flagger, comments[0])
    flag(flagger, comments[1])
    with pytest.raises(FlagCapReached) as error:
        flag(flagger, comments[2])
    assert 0 < error.value.retry_after <= 24 * 3600 + 1
    assert Flag.objects.count() == 2 and QueueItem.objects.count() == 2
    Flag.objects.filter(target_id=comments[0].pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    flag(flagger, comments[2])
    assert Flag.objects.count() == 3


def test_flags_count_towards_the_posting_rate_limit(settings):
    settings.REDNOTE_RATE_LIMITS = True
    settings.REDIS_URL = ""
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "flag": 1}
    flagger = UserFactory()
    first, second = ThreadCommentFactory.create_batch(2)
    flag(flagger, first)
    with pytest.raises(RateLimited):
        flag(flagger, second)
    assert Flag.objects.count() == 1
    assert not QueueItem.objects.filter(target_id=second.pk).exists()


def test_flags_from_one_group_hide_only_at_twice_the_threshold(settings):
    settings.REDNOTE_FLAG_HIDE_THRESHOLD = 3
    comment = ThreadCommentFactory()
    camp = UserFactory.create_batch(6)
    place(camp, 0)
    for person in camp[:5]:
        flag(person, comment)
    comment.refresh_from_db()
    item = QueueItem.objects.get()
    assert comment.hidden_at is None and not item.auto_hidden
    assert (item.flaggers, item.flagger_groups, item.score) == (5, 1, 2.5)
    flag(camp[5], comment)
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_reason == "Hidden pending review: flagged by 6 people"


def test_three_flaggers_from_two_groups_hide_the_item_pending_review(settings):
    settings.REDNOTE_FLAG_HIDE_THRESHOLD = 3
    source = LinkSourceFactory()
    left, right, unplaced = UserFactory(), UserFactory(), UserFactory()
    place([left], 0)
    place([right], 1)
    place([unplaced], -1)
    flag(left, source)
    flag(right, source)
    source.refresh_from_db()
    assert source.hidden_at is None
    flag(unplaced, source)  # no group: counts as one more group
    source.refresh_from_db()
    item = QueueItem.objects.get()
    assert source.hidden_reason == "Hidden pending review: flagged by 3 people"
    assert (item.auto_hidden, item.flaggers, item.flagger_groups, item.score, item.state) == (True, 3, 3, 3.0, "open")
    assert sorted(Flag.objects.values_list("flagger_group", flat=True), key=str) == [0, 1, None]


def test_groups_are_read_when_a_flag_arrives_not_when_each_flagger_flagged(settings):
    settings.REDNOTE_FLAG_HIDE_THRESHOLD = 3
    comment = ThreadCommentFactory()
    people = UserFactory.create_batch(3)
    place(people, 0)
    flag(people[0], comment)
    flag(people[1], comment)
    place([people[1]], 1)  # a refit moved them
    flag(people[2], comment)
    comment.refresh_from_db()
    assert comment.hidden_at is not None


def test_a_new_flag_reopens_a_resolved_item_counting_only_new_flags(personas):
    comment = ThreadCommentFactory()
    flag(UserFactory(), comment)
    item = QueueItem.objects.get()
    queue_item_resolve(moderator=personas["moderator"], item_id=item.pk, action="dismiss", reason="", version=item.version)
    item.refresh_from_db()
    resolved_version = item.version
    flag(UserFactory(), comment)
    item.refresh_from_db()
    assert item.state == QueueState.OPEN and item.version == resolved_version + 1
    assert item.resolved_by is None and item.flaggers == 1


def test_end_to_end_with_real_votes_and_a_refit(settings):
    """Two camps vote on opposite sides of twelve claims; the refit tells them apart. Five flags
    from one camp leave a comment visible; three from both camps hide it pending review."""
    from django.contrib.auth import get_user_model

    from annotations.models import Claim, VoteValue
    from annotations.services.consensus import consensus_refit
    from annotations.services.votes import ImportedVote, votes_import
    from tests.factories import ArticleFactory

    settings.REDNOTE_FLAG_HIDE_THRESHOLD = 3
    article = ArticleFactory()
    claims = [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(12)]
    camps = {"blue": [f"blue{n}" for n in range(10)], "red": [f"red{n}" for n in range(10)]}
    votes = []
    for camp, names in camps.items():
        for name in names:
            for i, claim in enumerate(claims):
                agrees = (i % 2 == 0) == (camp == "blue")
                votes.append(ImportedVote(line=len(votes), username=name, claim_id=claim.pk,
                                          value=VoteValue.AGREE if agrees else VoteValue.DISAGREE))
    votes_import(votes=votes)
    consensus_refit()
    people = {user.username: user for user in get_user_model().objects.filter(username__in=camps["blue"] + camps["red"])}
    group_of = dict(UserViewpoint.objects.values_list("user__username", "group"))
    assert {group_of[name] for name in camps["blue"]}.isdisjoint({group_of[name] for name in camps["red"]})

    brigaded, bridged = ThreadCommentFactory(), ThreadCommentFactory()
    for name in camps["blue"][:5]:
        flag(people[name], brigaded)
    for name in (camps["blue"][5], camps["red"][0], camps["red"][1]):
        flag(people[name], bridged)
    brigaded.refresh_from_db()
    bridged.refresh_from_db()
    assert brigaded.hidden_at is None
    assert bridged.hidden_reason == "Hidden pending review: flagged by 3 people"
    scores = dict(QueueItem.objects.values_list("target_id", "score"))
    assert scores == {brigaded.pk: 2.5, bridged.pk: 3.0}
