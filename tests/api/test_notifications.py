import pytest

from annotations.models import Notification
from annotations.services.comments import comment_create
from tests.conftest import client_for
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def replies(personas):
    """Three replies to the author's comment, from the member."""
    claim = ClaimFactory()
    top = comment_create(author=personas["author"], claim_id=claim.pk, body="Top")
    for n in range(3):
        comment_create(author=personas["member"], claim_id=claim.pk, body=f"Reply {n}", parent_id=top.pk)
    return list(Notification.objects.filter(recipient=personas["author"]).order_by("id"))


def test_one_sees_only_ones_own_notifications_newest_first(personas, replies):
    body = client_for(personas["author"]).get("/api/notifications/").json()
    assert body["count"] == 3
    assert [n["id"] for n in body["results"]] == [n.pk for n in reversed(replies)]
    first = body["results"][0]
    assert {k: first[k] for k in ("kind", "actor", "read", "read_at")} == {
        "kind": "reply", "actor": "member", "read": False, "read_at": None
    }
    assert first["url"].endswith(f"#comment-{replies[-1].comment_id}") and "member replied" in first["message"]
    assert client_for(personas["member"]).get("/api/notifications/").json()["count"] == 0
    assert client_for(None).get("/api/notifications/").status_code == 403


def test_marking_some_read_ignores_other_peoples_ids(personas, replies):
    someone_else = Notification.objects.create(recipient=personas["member"], kind="mention", message="x")
    client = client_for(personas["author"])
    response = client.post("/api/notifications/read/", {"ids": [replies[0].pk, someone_else.pk]}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1, "unread": 2}
    someone_else.refresh_from_db()
    assert someone_else.read_at is None
    unread = client.get("/api/notifications/", {"unread": "true"}).json()
    assert [n["id"] for n in unread["results"]] == [replies[2].pk, replies[1].pk]


def test_marking_all_read(personas, replies):
    client = client_for(personas["author"])
    assert client.post("/api/notifications/read/", {"all": True}, format="json").json() == {"marked": 3, "unread": 0}
    assert client.get("/api/notifications/", {"unread": "true"}).json()["count"] == 0


def test_marking_needs_ids_or_all(personas, replies):
    client = client_for(personas["author"])
    response = client.post("/api/notifications/read/", {}, format="json")
    assert response.status_code == 400 and "ids" in response.json()
    assert client.post("/api/notifications/read/", {"ids": ["x"]}, format="json").status_code == 400
    assert client_for(None).post("/api/notifications/read/", {"all": True}, format="json").status_code == 403
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_a_silenced_member_still_reads_and_marks_notifications(personas):
    Notification.objects.create(recipient=personas["silenced"], kind="moderation", message="You are silenced.")
    client = client_for(personas["silenced"])
    assert client.get("/api/notifications/").json()["count"] == 1
    assert client.post("/api/notifications/read/", {"all": True}, format="json").json()["marked"] == 1
