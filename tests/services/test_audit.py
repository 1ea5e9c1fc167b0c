"""The audit log: exactly one row per moderator action, written with the action, and no way to
change or delete a row (model, queryset, Django's admin, the API)."""
import logging

import pytest
from django.test import Client

from annotations.models import AppendOnlyError, ModerationAction, QueueItem
from annotations.request_log import serving
from annotations.services.annotations import annotation_delete, annotation_update
from annotations.services.audit import audit_record
from annotations.services.claims import evidence_link_delete, source_delete
from annotations.services.flags import flag_create
from annotations.services.moderation import queue_item_resolve, thread_lock, thread_unlock
from annotations.services.revisions import article_revise
from annotations.services.sanctions import role_set, user_moderate
from tests.conftest import client_for
from tests.enforcement_world import build_world
from tests.factories import AnnotationFactory, ClaimFactory, ThreadCommentFactory, UserFactory


def record(actor, **overrides):
    """A row written while serving a request from 198.51.100.4."""
    arguments = {
        "actor": actor, "action": "warn", "target_type": "user", "target_id": "someone", "reason": "Because.",
        "before": {}, "after": {},
    }
    with serving("198.51.100.4"):
        return audit_record(**{**arguments, **overrides})


@pytest.mark.django_db
def test_every_moderator_action_writes_exactly_one_row(personas):
    moderator, admin, member = personas["moderator"], personas["admin"], personas["member"]
    claim = ClaimFactory()

    def item_for(comment):
        flag_create(flagger=UserFactory(), target_type="comment", target_id=comment.pk, reason="spam")
        return QueueItem.objects.get(target_id=comment.pk)

    actions = [
        lambda: thread_lock(moderator=moderator, claim_id=claim.pk, reason="Heated."),
        lambda: thread_unlock(moderator=moderator, claim_id=claim.pk),
        lambda: user_moderate(moderator=moderator, username=member.username, action="warn", reason="Civil, please."),
        lambda: user_moderate(moderator=moderator, username=member.username, action="silence", duration="24h",
                              reason="Flooding."),
        lambda: user_moderate(moderator=moderator, username=member.username, action="lift", reason=""),
        lambda: role_set(actor=admin, username=member.username, role="moderator"),
    ]
    for action in ("dismiss", "hide", "delete"):
        comment = ThreadCommentFactory(claim=claim)
        actions.append(
            lambda comment=comment, action=action: queue_item_resolve(
                moderator=moderator, item_id=item_for(comment).pk, action=action, reason="Reason.",
                version=QueueItem.objects.get(target_id=comment.pk).version,
            )
        )
    for n, action in enumerate(actions, start=1):
        action()
        assert ModerationAction.objects.count() == n


@pytest.mark.django_db
def test_changing_someone_elses_content_is_a_moderator_action_with_a_row(personas):
    """The policy lets only moderators change what others wrote: each such change is audited,
    with the address of the request it came from; changing one's own is not."""
    moderator, author = personas["moderator"], personas["author"]
    world = build_world(author)
    own = AnnotationFactory(author=moderator, article=world.other, quote="Repairs are cheap.")
    changes = [
        (lambda: annotation_update(annotation=own, user=moderator, note="Mine."), None),
        (lambda: annotation_update(annotation=world.annotation, user=moderator, note="Tidied."),
         ("edit", "annotation", world.annotation.pk)),
        (lambda: evidence_link_delete(link=world.link, user=moderator), ("delete", "evidence_link", world.link.pk)),
        (lambda: source_delete(source=world.source, user=moderator), ("delete", "source", world.source.pk)),
        (lambda: article_revise(article=world.article, text=world.article.current_revision.text + " More.",
                                user=moderator), ("revise", "article", world.article.pk)),
        (lambda: annotation_delete(annotation=world.evidence, user=moderator),
         ("delete", "annotation", world.evidence.pk)),
    ]
    for change, expected in changes:
        before = ModerationAction.objects.count()
        with serving("198.51.100.4"):
            change()
        if expected is None:
            assert ModerationAction.objects.count() == before
            continue
        row = ModerationAction.objects.latest("pk")
        assert (row.action, row.target_type, row.target_id) == (expected[0], expected[1], str(expected[2]))
        assert (row.actor, row.target_user, row.ip) == (moderator, author, "198.51.100.4")


@pytest.mark.django_db
def test_rows_cannot_be_changed_or_deleted(personas):
    row = record(personas["moderator"])
    row.reason = "Rewritten."
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.filter(pk=row.pk).update(reason="Rewritten.")
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.all().delete()
    assert ModerationAction.objects.get().reason == "Because."


@pytest.mark.django_db
def test_the_admin_site_shows_rows_but_cannot_add_change_or_delete_them(personas):
    row = record(personas["moderator"])
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)
    base = "/admin/annotations/moderationaction/"
    listing = client.get(base)
    assert listing.status_code == 200 and "someone" in listing.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    detail = client.get(f"{base}{row.pk}/change/")
    assert detail.status_code == 200 and 'name="reason"' not in detail.content.decode()
    client.post(f"{base}{row.pk}/change/", {"reason": "Rewritten."})
    assert ModerationAction.objects.get().reason == "Because."


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_has_no_way_to_write_the_log(personas, method):
    record(personas["moderator"])
    client = client_for(personas["admin"])
    response = getattr(client, method)("/api/moderation/log/", {"reason": "Rewritten."}, format="json")
    assert response.status_code == 405
    assert ModerationAction.objects.get().reason == "Because."


@pytest.mark.django_db
def test_each_row_is_also_a_log_line_with_who_and_from_where(personas, caplog):
    with caplog.at_level(logging.INFO, logger="annotations.moderation"):
        record(personas["moderator"], target_user=personas["member"])
    assert "moderator warn user someone (user member) from 198.51.100.4: Because." in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_row_is_only_written_inside_the_action_transaction():
    with pytest.raises(RuntimeError):
        record(None)
    assert not ModerationAction.objects.exists()
