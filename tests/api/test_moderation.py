"""The moderators' API: the queue, resolving with a version, locks, actions on users, the log;
and a permission matrix over every endpoint and every kind of user, asserting the status and
that nothing changed where the call was refused."""
import pytest
from django.utils import timezone

from annotations.models import (
    Claim,
    Comment,
    Flag,
    ModerationAction,
    QueueItem,
    Sanction,
    UserViewpoint,
)
from annotations.services.flags import flag_create
from tests.conftest import client_for
from tests.factories import ClaimFactory, LinkSourceFactory, ThreadCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def flagged_comment(author=None, *, people=1, reason="spam", note=""):
    comment = ThreadCommentFactory(**({"author": author} if author else {}))
    for _ in range(people):
        flag_create(flagger=UserFactory(), target_type="comment", target_id=comment.pk, reason=reason, note=note)
    return comment, QueueItem.objects.get(target_type="comment", target_id=comment.pk)


def state():
    """Everything a moderator endpoint could change."""
    return (
        list(QueueItem.objects.order_by("pk").values_list("pk", "state", "version")),
        list(Comment.objects.order_by("pk").values_list("pk", "hidden_at", "deleted_at")),
        list(Claim.objects.order_by("pk").values_list("pk", "thread_locked_at")),
        Sanction.objects.count(), ModerationAction.objects.count(), Flag.objects.count(),
    )


REFUSED = {"anonymous": 403, "member": 403, "author": 403, "silenced": 403, "suspended": 403}
ALLOWED = {"moderator": None, "admin": None}


def endpoint_calls(personas):
    """(name, call, status when allowed) for every moderator endpoint, each on fresh objects."""
    def resolve():
        _, item = flagged_comment(personas["author"])
        return "post", f"/api/moderation/queue/{item.pk}/resolve/", {"action": "hide", "reason": "Spam.", "version": item.version}

    def lock():
        return "post", f"/api/claims/{ClaimFactory(author=personas['author']).pk}/lock/", {"reason": "Heated."}

    def unlock():
        claim = ClaimFactory(author=personas["author"])
        Claim.objects.filter(pk=claim.pk).update(thread_locked_at=timezone.now(), thread_lock_reason="Heated.")
        return "post", f"/api/claims/{claim.pk}/unlock/", {"reason": ""}

    def moderate():
        return "post", "/api/users/author/moderate/", {"action": "silence", "duration": "24h", "reason": "Flooding."}

    return [
        ("queue", lambda: ("get", "/api/moderation/queue/", None), 200),
        ("log", lambda: ("get", "/api/moderation/log/", None), 200),
        ("resolve", resolve, 200),
        ("lock", lock, 200),
        ("unlock", unlock, 200),
        ("moderate", moderate, 200),
    ]


@pytest.mark.parametrize("persona", [*REFUSED, *ALLOWED])
def test_permission_matrix_for_moderator_endpoints(personas, persona):
    client = client_for(personas[persona])
    for name, prepare, allowed_status in endpoint_calls(personas):
        method, url, body = prepare()
        before = state()
        response = getattr(client, method)(url, body, format="json") if body is not None else client.get(url)
        expected = REFUSED.get(persona, allowed_status)
        assert response.status_code == expected, (name, response.json())
        assert "detail" in response.json() or expected == 200
        if expected != 200:
            assert state() == before, name
        elif method == "post":
            assert ModerationAction.objects.count() == before[4] + 1, name


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 403), ("member", 201), ("author", 201), ("silenced", 403), ("suspended", 403),
     ("moderator", 201), ("admin", 201)],
)
def test_permission_matrix_for_flags(personas, persona, expected):
    comment = ThreadCommentFactory(author=personas["author"])
    before = state()
    response = client_for(personas[persona]).post(
        "/api/flags/", {"target_type": "comment", "target_id": comment.pk, "reason": "spam"}, format="json"
    )
    assert response.status_code == expected
    if expected == 201:
        assert Flag.objects.get().flagger == personas[persona]
    else:
        assert state() == before


def test_the_queue_lists_open_items_by_score_with_flags_context_and_history(personas):
    quiet, quiet_item = flagged_comment(people=1, reason="off_topic")
    loud, loud_item = flagged_comment(people=3, reason="other", note="Threatens another reader.")
    Sanction.objects.create(user=loud.author, kind="warning", reason="Earlier insult.", starts_at=timezone.now())
    response = client_for(personas["moderator"]).get("/api/moderation/queue/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [loud_item.pk, quiet_item.pk]
    top = results[0]
    assert {key: top[key] for key in ("target_type", "target_id", "state", "score", "version", "target_author")} == {
        "target_type": "comment", "target_id": loud.pk, "state": "open", "score": 1.5,
        "version": loud_item.version, "target_author": loud.author.username,
    }
    assert [(f["reason"], f["note"]) for f in top["flags"]] == [("other", "Threatens another reader.")] * 3
    assert all(f["created"] for f in top["flags"])
    assert top["context"]["text"] == loud.body and top["context"]["url"].endswith(f"#comment-{loud.pk}")
    assert [s["reason"] for s in top["author_history"]["sanctions"]] == ["Earlier insult."]


def test_the_queue_leaves_out_resolved_items(personas):
    _, item = flagged_comment()
    client = client_for(personas["moderator"])
    client.post(f"/api/moderation/queue/{item.pk}/resolve/", {"action": "dismiss", "version": item.version},
                format="json")
    assert client.get("/api/moderation/queue/").json()["results"] == []


def test_the_queue_costs_the_same_queries_for_many_items(personas, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["moderator"])
    flagged_comment()
    LinkSourceFactory()
    with CaptureQueriesContext(connection) as few:
        client.get("/api/moderation/queue/")
    for n in range(6):
        flagged_comment(people=2)
        target = LinkSourceFactory() if n % 2 else ClaimFactory()
        flag_create(flagger=UserFactory(), target_type=target._meta.model_name, target_id=target.pk, reason="spam")
    with django_assert_max_num_queries(len(few.captured_queries) + 3):  # + one query per kind of target
        response = client.get("/api/moderation/queue/")
    assert response.json()["count"] == 13


def test_resolve_answers_the_new_state_and_409_with_the_current_one_when_stale(personas):
    comment, item = flagged_comment()
    body = {"action": "hide", "reason": "Spam.", "version": item.version}
    first = client_for(personas["moderator"]).post(f"/api/moderation/queue/{item.pk}/resolve/", body, format="json")
    assert first.status_code == 200
    assert (first.json()["state"], first.json()["version"], first.json()["resolved_by"]) == (
        "hidden", item.version + 1, "moderator")
    second = client_for(personas["admin"]).post(
        f"/api/moderation/queue/{item.pk}/resolve/", {"action": "dismiss", "version": item.version}, format="json"
    )
    assert second.status_code == 409
    current = second.json()
    assert current["state"] == "hidden" and current["version"] == item.version + 1
    assert current["detail"].startswith("moderator already hid this at ")
    comment.refresh_from_db()
    assert comment.hidden_at is not None and ModerationAction.objects.count() == 1


def test_resolve_rejects_bad_input(personas):
    _, item = flagged_comment()
    client = client_for(personas["moderator"])
    url = f"/api/moderation/queue/{item.pk}/resolve/"
    cases = [
        ({"action": "ban", "version": item.version}, "action"),
        ({"action": "hide", "version": item.version, "reason": ""}, "reason"),
        ({"action": "dismiss"}, "version"),
    ]
    for body, field in cases:
        response = client.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json(), body
    assert client.post("/api/moderation/queue/9999/resolve/", {"action": "dismiss", "version": 1},
                       format="json").status_code == 404
    assert not ModerationAction.objects.exists()


def test_lock_and_unlock_answer_the_lock_state(personas):
    claim = ClaimFactory()
    client = client_for(personas["moderator"])
    locked = client.post(f"/api/claims/{claim.pk}/lock/", {"reason": "Heated."}, format="json").json()
    assert (locked["claim"], locked["locked"], locked["locked_by"], locked["reason"]) == (
        claim.pk, True, "moderator", "Heated.")
    again = client.post(f"/api/claims/{claim.pk}/lock/", {"reason": "Again."}, format="json")
    assert (again.status_code, again.json()["detail"]) == (409, "The thread is already locked.")
    unlocked = client.post(f"/api/claims/{claim.pk}/unlock/", {}, format="json").json()
    assert unlocked["locked"] is False and unlocked["locked_at"] is None
    assert client.post(f"/api/claims/{claim.pk}/unlock/", {}, format="json").status_code == 409
    assert client.post(f"/api/claims/{claim.pk}/lock/", {}, format="json").status_code == 400
    assert client.post("/api/claims/9999/lock/", {"reason": "x"}, format="json").status_code == 404


def test_moderate_a_user(personas):
    client = client_for(personas["moderator"])
    response = client.post("/api/users/member/moderate/", {"action": "suspend", "duration": "72h",
                                                            "reason": "Threats."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["action"], body["suspended"], body["sanction"]["kind"]) == (
        "member", "suspend", True, "suspension")
    assert body["suspended_until"] is not None
    assert client.post("/api/users/member/moderate/", {"action": "silence", "reason": "x"},
                       format="json").status_code == 400
    assert client.post("/api/users/ghost/moderate/", {"action": "warn", "reason": "x"},
                       format="json").status_code == 404
    refused = client.post("/api/users/admin/moderate/", {"action": "warn", "reason": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "Moderators cannot sanction admins."
    assert client.post("/api/users/member/moderate/", {"action": "lift"}, format="json").json()["suspended"] is False


def test_the_log_filters_by_actor_action_and_target_user(personas):
    moderator, admin = client_for(personas["moderator"]), client_for(personas["admin"])
    moderator.post("/api/users/member/moderate/", {"action": "warn", "reason": "One."}, format="json")
    admin.post("/api/users/author/moderate/", {"action": "warn", "reason": "Two."}, format="json")
    admin.post("/api/users/moderator/moderate/", {"action": "silence", "duration": "24h", "reason": "Three."},
               format="json")

    def reasons(query):
        response = admin.get(f"/api/moderation/log/{query}")
        assert response.status_code == 200
        return [row["reason"] for row in response.json()["results"]]

    assert reasons("") == ["Three.", "Two.", "One."]
    assert reasons("?actor=admin") == ["Three.", "Two."]
    assert reasons("?action=warn") == ["Two.", "One."]
    assert reasons("?target_user=member") == ["One."]
    assert reasons("?actor=admin&action=warn") == ["Two."]
    row = admin.get("/api/moderation/log/?action=silence").json()["results"][0]
    assert (row["actor"], row["target_type"], row["target_id"], row["target_user"]) == (
        "admin", "user", "moderator", "moderator")
    assert row["before"]["silenced"] is False and row["after"]["silenced"] is True


def test_flag_groups_reach_the_queue(personas, settings):
    settings.REDNOTE_FLAG_HIDE_THRESHOLD = 2
    comment = ThreadCommentFactory()
    for group in (0, 1):
        person = UserFactory()
        UserViewpoint.objects.create(user=person, intercept=0, factor=0, group=group)
        flag_create(flagger=person, target_type="comment", target_id=comment.pk, reason="spam")
    row = client_for(personas["moderator"]).get("/api/moderation/queue/").json()["results"][0]
    assert (row["flaggers"], row["flagger_groups"], row["auto_hidden"]) == (2, 2, True)
    assert sorted(f["flagger_group"] for f in row["flags"]) == [0, 1]
    assert row["context"]["hidden"] is True


def test_locking_a_locked_thread_or_lifting_nothing_is_a_conflict(personas):
    client = client_for(personas["moderator"])
    response = client.post("/api/users/member/moderate/", {"action": "lift"}, format="json")
    assert (response.status_code, response.json()["detail"]) == (409, "member is neither silenced nor suspended.")
