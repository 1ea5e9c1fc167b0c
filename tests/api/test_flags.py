"""`POST /api/flags/`: 201, again 409, unknown or invisible 404, bad input 400, the cap 429."""
import pytest
from django.utils import timezone

from annotations.models import Flag, QueueItem
from tests.conftest import client_for
from tests.factories import ClaimFactory, ThreadCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def post_flag(user, **body):
    return client_for(user).post("/api/flags/", body, format="json")


def test_a_flag_is_created_and_a_second_one_conflicts():
    comment, flagger = ThreadCommentFactory(), UserFactory()
    response = post_flag(flagger, target_type="comment", target_id=comment.pk, reason="spam")
    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("target_type", "target_id", "reason", "note")} == {
        "target_type": "comment", "target_id": comment.pk, "reason": "spam", "note": "",
    }
    again = post_flag(flagger, target_type="comment", target_id=comment.pk, reason="off_topic")
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert Flag.objects.count() == 1


def test_unknown_and_invisible_items_are_404():
    hidden = ThreadCommentFactory(hidden_at=timezone.now(), hidden_reason="Spam.")
    flagger = UserFactory()
    for target_id in (hidden.pk, 99999):
        response = post_flag(flagger, target_type="comment", target_id=target_id, reason="spam")
        assert response.status_code == 404 and response.json()["detail"] == "That item does not exist."
    assert not QueueItem.objects.exists()


def test_bad_input_names_the_field():
    claim = ClaimFactory()
    cases = [
        ({"target_type": "claim", "target_id": claim.pk, "reason": "other"}, "note"),
        ({"target_type": "claim", "target_id": claim.pk, "reason": "dull"}, "reason"),
        ({"target_type": "user", "target_id": claim.pk, "reason": "spam"}, "target_type"),
        ({"target_type": "claim", "reason": "spam"}, "target_id"),
    ]
    for body, field in cases:
        response = post_flag(UserFactory(), **body)
        assert response.status_code == 400, body
        assert field in response.json() and response.json()["detail"]
    assert not Flag.objects.exists()


def test_other_with_a_note_is_accepted():
    claim = ClaimFactory()
    response = post_flag(UserFactory(), target_type="claim", target_id=claim.pk, reason="other", note="A duplicate.")
    assert response.status_code == 201 and response.json()["note"] == "A duplicate."


def test_the_daily_cap_answers_429_with_retry_after(settings):
    settings.REDNOTE_FLAGS_PER_DAY = 1
    first, second = ThreadCommentFactory.create_batch(2)
    flagger = UserFactory()
    assert post_flag(flagger, target_type="comment", target_id=first.pk, reason="spam").status_code == 201
    response = post_flag(flagger, target_type="comment", target_id=second.pk, reason="spam")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 86401 and "You can flag 1 item a day" in response.json()["detail"]
    assert Flag.objects.count() == 1
