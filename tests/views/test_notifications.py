import pytest

from annotations.models import Notification
from annotations.services.comments import comment_create
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(personas):
    """The member replies to the author's comment: the author has one unread notification."""
    claim = ClaimFactory()
    top = comment_create(author=personas["author"], claim_id=claim.pk, body="Top")
    comment_create(author=personas["member"], claim_id=claim.pk, body="Reply", parent_id=top.pk)
    return Notification.objects.get(recipient=personas["author"])


def test_the_bell_shows_the_unread_count_to_signed_in_people_only(client, personas, reply):
    assert 'id="notification-bell"' not in client.get("/").content.decode()
    client.force_login(personas["author"])
    html = client.get("/").content.decode()
    assert 'aria-label="Notifications: 1 unread"' in html and '<span class="bell-count" aria-hidden="true">1</span>' in html
    assert 'hx-get="/notifications/bell/" hx-trigger="every 15s' in html


def test_the_bell_endpoint_is_cheap_and_current(client, personas, reply, django_assert_max_num_queries):
    assert client.get("/notifications/bell/").status_code == 204
    client.force_login(personas["author"])
    with django_assert_max_num_queries(5):  # session, user, standing, count
        html = client.get("/notifications/bell/").content.decode()
    assert "1 unread" in html
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    assert "0 unread" in client.get("/notifications/bell/").content.decode()


def test_the_inbox_lists_notifications_and_opening_one_marks_it_read(client, personas, reply):
    client.force_login(personas["author"])
    html = client.get("/notifications/").content.decode()
    assert "member replied to your comment" in html and 'class="notification unread"' in html
    assert "Mark all read" in html
    response = client.get(f"/notifications/{reply.pk}/open/")
    assert response.status_code == 302 and response["Location"] == reply.url
    reply.refresh_from_db()
    assert reply.read_at is not None
    assert 'class="notification unread"' not in client.get("/notifications/").content.decode()


def test_opening_someone_elses_notification_does_nothing(client, personas, reply):
    client.force_login(personas["member"])
    response = client.get(f"/notifications/{reply.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    reply.refresh_from_db()
    assert reply.read_at is None


def test_mark_all_read(client, personas, reply):
    Notification.objects.create(recipient=personas["author"], kind="mention", message="Another")
    client.force_login(personas["author"])
    assert client.post("/notifications/read/").status_code == 302
    assert not Notification.objects.filter(recipient=personas["author"], read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).exists()  # the tagger's are left alone


def test_the_inbox_needs_a_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
