"""The moderators' pages and the flag control: who gets in, what the queue shows, actions with
and without htmx, the message after a race, the log's filters, users and roles, thread locks."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Claim, Flag, ModerationAction, QueueItem, Sanction
from annotations.roles import role_of
from annotations.services.flags import flag_create
from tests.factories import ClaimFactory, LinkSourceFactory, ThreadCommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def flagged_comment(**flag):
    comment = ThreadCommentFactory(body="You are all idiots.", body_html="<p>You are all idiots.</p>")
    flag_create(flagger=UserFactory(username="watchful"), target_type="comment", target_id=comment.pk,
                **{"reason": "harassment", "note": "Name-calling.", **flag})
    return comment, QueueItem.objects.get(target_id=comment.pk)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_pages_are_for_moderators_and_admins(personas):
    for url in ("/moderation/", "/moderation/log/", "/moderation/users/"):
        assert browser().get(url).status_code == 302  # to sign in
        refused = browser(personas["member"]).get(url)
        assert refused.status_code == 403 and "Only moderators can do this." in refused.content.decode()
        assert browser(personas["moderator"]).get(url).status_code == 200
        assert browser(personas["admin"]).get(url).status_code == 200


def test_the_nav_links_moderators_to_the_queue(personas):
    link = 'data-testid="moderation-link"'
    assert link in browser(personas["moderator"]).get("/").content.decode()
    assert link in browser(personas["admin"]).get("/").content.decode()
    assert link not in browser(personas["member"]).get("/").content.decode()


def test_the_queue_shows_the_item_its_context_flags_history_and_version(personas):
    comment, item = flagged_comment()
    Sanction.objects.create(user=comment.author, kind="warning", reason="Rude last week.", starts_at=item.created_at)
    page = browser(personas["moderator"]).get("/moderation/").content.decode()
    card = page[page.index(f'id="queue-item-{item.pk}"'):]
    assert "<p>You are all idiots.</p>" in card and f"#comment-{comment.pk}" in card
    assert "Harassment" in card and "Name-calling." in card and "watchful" in card
    assert "Rude last week." in card
    assert f'name="version" value="{item.version}"' in card


def test_hiding_from_the_queue_without_javascript(personas):
    comment, item = flagged_comment()
    response = browser(personas["moderator"]).post(
        reverse("moderation-item-action", args=[item.pk]),
        {"action": "hide", "reason": "Insults.", "version": item.version}, follow=True,
    )
    assert "Hidden; the author sees your reason." in messages_of(response)
    comment.refresh_from_db()
    assert comment.hidden_reason == "Insults."
    assert f'id="queue-item-{item.pk}"' not in response.content.decode()  # no longer open


def test_a_stale_action_says_what_happened_meanwhile(personas):
    comment, item = flagged_comment()
    seen = item.version
    browser(personas["admin"]).post(reverse("moderation-item-action", args=[item.pk]),
                                     {"action": "dismiss", "version": seen})
    response = browser(personas["moderator"]).post(
        reverse("moderation-item-action", args=[item.pk]), {"action": "hide", "reason": "Insults.", "version": seen},
        follow=True,
    )
    [message] = messages_of(response)
    assert re.match(r"admin already dismissed the flags on this at \d\d:\d\d UTC", message)
    comment.refresh_from_db()
    assert comment.hidden_at is None and ModerationAction.objects.count() == 1


def test_with_htmx_the_card_is_replaced_and_a_race_answers_409(personas):
    _, item = flagged_comment()
    url = reverse("moderation-item-action", args=[item.pk])
    done = browser(personas["moderator"]).post(url, {"action": "delete", "reason": "Abuse.", "version": item.version},
                                               **HTMX)
    assert done.status_code == 200
    html = done.content.decode()
    assert 'data-state="deleted"' in html and "Deleted." in html and "<form" not in html
    late = browser(personas["admin"]).post(url, {"action": "dismiss", "version": item.version}, **HTMX)
    assert late.status_code == 409 and "moderator already deleted this" in late.content.decode()


def test_a_refused_or_bad_action_changes_nothing(personas):
    comment, item = flagged_comment()
    url = reverse("moderation-item-action", args=[item.pk])
    assert browser(personas["member"]).post(url, {"action": "hide", "reason": "x", "version": item.version}
                                            ).status_code == 403
    response = browser(personas["moderator"]).post(url, {"action": "hide", "version": item.version}, follow=True)
    assert messages_of(response) == ["Give a reason: the author sees it."]
    comment.refresh_from_db()
    assert comment.hidden_at is None and not ModerationAction.objects.exists()


def test_the_log_page_filters(personas):
    moderator = browser(personas["moderator"])
    moderator.post(reverse("moderation-user-action", args=["member"]), {"action": "warn", "reason": "First."})
    moderator.post(reverse("moderation-user-action", args=["author"]), {"action": "warn", "reason": "Second."})
    page = moderator.get("/moderation/log/", {"target_user": "author"}).content.decode()
    assert "Second." in page and "First." not in page
    page = moderator.get("/moderation/log/", {"action": "warn", "actor": "moderator"}).content.decode()
    assert "Second." in page and "First." in page


def test_users_search_and_sanctions_from_the_page(personas):
    moderator = browser(personas["moderator"])
    page = moderator.get("/moderation/users/", {"q": "silen"}).content.decode()
    assert 'data-username="silenced"' in page and 'data-username="member"' not in page
    assert "silenced until" in page and "Set role" not in page  # moderators do not set roles
    response = moderator.post(reverse("moderation-user-action", args=["member"]),
                              {"action": "silence", "duration": "7d", "reason": "Flooding."}, follow=True)
    assert messages_of(response) == ["member: silenced for 7d."]
    assert Sanction.objects.filter(user=personas["member"], kind="silence").exists()
    refused = moderator.post(reverse("moderation-user-action", args=["admin"]),
                             {"action": "warn", "reason": "x"}, follow=True)
    assert messages_of(refused) == ["Moderators cannot sanction admins."]


def test_admins_set_roles_from_the_page_and_moderators_cannot(personas):
    url = reverse("moderation-user-role", args=["member"])
    refused = browser(personas["moderator"]).post(url, {"role": "admin"}, follow=True)
    assert messages_of(refused) == ["Only admins change roles."]
    assert role_of(personas["member"]) == "member"
    admin = browser(personas["admin"])
    assert "Set role" in admin.get("/moderation/users/").content.decode()
    response = admin.post(url, {"role": "moderator"}, follow=True)
    assert messages_of(response) == ["member is now a moderator."]
    member = type(personas["member"]).objects.get(pk=personas["member"].pk)
    assert role_of(member) == "moderator"


def test_the_claim_page_offers_flags_to_members_and_the_lock_to_moderators(personas):
    claim = ClaimFactory()
    source = LinkSourceFactory(claim=claim)
    member_page = browser(personas["member"]).get(claim.get_absolute_url()).content.decode()
    assert f'id="flag-claim-{claim.pk}"' in member_page and f'id="flag-source-{source.pk}"' in member_page
    assert 'id="thread-lock"' not in member_page
    assert 'id="flag-claim-' not in browser().get(claim.get_absolute_url()).content.decode()
    own_page = browser(claim.created_by).get(claim.get_absolute_url()).content.decode()
    assert f'id="flag-claim-{claim.pk}"' not in own_page and f'id="flag-source-{source.pk}"' in own_page
    moderator = browser(personas["moderator"])
    assert 'id="thread-lock"' in moderator.get(claim.get_absolute_url()).content.decode()
    response = moderator.post(reverse("moderation-claim-lock", args=[claim.pk]),
                              {"lock": "1", "reason": "Cooling off."}, follow=True)
    assert "Thread locked: only moderators can comment." in messages_of(response)
    assert "The thread is locked: Cooling off." in response.content.decode()
    assert browser(personas["member"]).post(reverse("moderation-claim-lock", args=[claim.pk]),
                                            {"lock": "0"}).status_code == 403
    assert Claim.objects.get(pk=claim.pk).thread_locked_at is not None


def test_the_reader_panel_offers_a_flag_on_each_annotation(personas):
    claim = ClaimFactory()
    annotation = claim.annotations.get()
    panel = browser(personas["member"]).get(
        reverse("annotation-panel", args=[annotation.article_id]), {"start": annotation.start, "end": annotation.end},
        **HTMX,
    ).content.decode()
    assert f'id="flag-annotation-{annotation.pk}"' in panel


def test_flagging_from_a_page_with_htmx(personas):
    claim = ClaimFactory()
    member = browser(personas["member"])
    body = {"target_type": "claim", "target_id": claim.pk, "reason": "misleading", "next": claim.get_absolute_url()}
    first = member.post("/flags/", body, **HTMX)
    assert first.status_code == 201 and "Thank you: moderators will look at it." in first.content.decode()
    again = member.post("/flags/", body, **HTMX)
    assert again.status_code == 409 and "You flagged this already" in again.content.decode()
    bad_body = {**body, "target_id": ClaimFactory().pk, "reason": "other"}
    bad = member.post("/flags/", bad_body, **HTMX)
    assert bad.status_code == 400 and "Say why in a note" in bad.content.decode()
    assert 'role="alert"' in bad.content.decode() and "<form" in bad.content.decode()
    noted = member.post("/flags/", {**bad_body, "flag_note": "An advert."}, **HTMX)
    assert noted.status_code == 201
    assert list(Flag.objects.order_by("pk").values_list("reason", "note")) == [("misleading", ""), ("other", "An advert.")]


def test_flagging_from_a_page_without_javascript(personas):
    claim = ClaimFactory()
    member = browser(personas["member"])
    body = {"target_type": "claim", "target_id": claim.pk, "reason": "spam", "next": claim.get_absolute_url()}
    response = member.post("/flags/", body, follow=True)
    assert response.redirect_chain[-1][0] == claim.get_absolute_url()
    assert messages_of(response) == ["Thank you: moderators will look at it."]
    again = member.post("/flags/", body, follow=True)
    assert messages_of(again) == ["You flagged this already; moderators will look at it."]
    offsite = member.post("/flags/", {**body, "next": "https://evil.example/"})
    assert offsite["Location"] == "/"
    silenced = browser(personas["silenced"]).post("/flags/", body, follow=True)
    assert messages_of(silenced)[0].startswith("You are silenced")
    assert Flag.objects.count() == 1


def test_the_queue_page_costs_a_fixed_number_of_queries(personas):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    moderator = browser(personas["moderator"])
    flagged_comment()
    for target in (LinkSourceFactory(), ClaimFactory()):
        flag_create(flagger=UserFactory(), target_type=target._meta.model_name, target_id=target.pk, reason="spam")

    def queries() -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            assert moderator.get("/moderation/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for _ in range(8):
        comment = ThreadCommentFactory()
        Sanction.objects.create(user=comment.author, kind="warning", reason="Earlier.", starts_at=comment.created_at)
        for _ in range(3):
            flag_create(flagger=UserFactory(), target_type="comment", target_id=comment.pk, reason="spam")
    assert queries() == few
