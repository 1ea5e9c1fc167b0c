"""Warn, silence, suspend and lift; roles. Each writes one audit row and tells the person."""
import datetime as dt

import pytest
from django.utils import timezone

from annotations.models import ModerationAction, Notification, Sanction, SanctionKind
from annotations.policy import Act, NotAllowed, Refusal, allowed, forget_standing, standing_of
from annotations.roles import is_moderator, role_of
from annotations.services.moderation import ModerationError
from annotations.services.sanctions import role_set, user_moderate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def moderate(moderator, person, action, duration=None, reason="Repeated insults."):
    return user_moderate(moderator=moderator, username=person.username, action=action, duration=duration, reason=reason)


def test_a_warning_is_a_notification_and_a_record(personas):
    member = personas["member"]
    decision = moderate(personas["moderator"], member, "warn", reason="Keep it civil.")
    assert decision.sanction.kind == SanctionKind.WARNING
    assert Notification.objects.get(recipient=member).message == "A moderator warned you: Keep it civil."
    assert not standing_of(member, now=timezone.now()).silenced
    assert ModerationAction.objects.get().action == "warn"


@pytest.mark.parametrize(
    ("duration", "hours"), [("24h", 24), ("72h", 72), ("7d", 168), ("30d", 720), ("permanent", None)]
)
def test_silence_for_each_duration(personas, duration, hours):
    member = personas["member"]
    decision = moderate(personas["moderator"], member, "silence", duration=duration)
    sanction = Sanction.objects.get(user=member, kind=SanctionKind.SILENCE)
    if hours is None:
        assert sanction.ends_at is None and decision.standing.silenced_until is None
    else:
        assert sanction.ends_at - sanction.starts_at == dt.timedelta(hours=hours)
    forget_standing(member)
    assert not allowed(member, Act.COMMENT) and decision.standing.silenced
    assert "You are silenced" in Notification.objects.get(recipient=member).message
    row = ModerationAction.objects.get()
    assert row.before["silenced"] is False and row.after["silenced"] is True and row.after["duration"] == duration


def test_suspend_then_lift(personas):
    member, moderator = personas["member"], personas["moderator"]
    moderate(moderator, member, "suspend", duration="7d")
    forget_standing(member)
    assert standing_of(member).suspended
    decision = moderate(moderator, member, "lift", reason="")
    forget_standing(member)
    assert not standing_of(member).suspended and decision.lifted == 1
    assert Sanction.objects.get(user=member, kind=SanctionKind.SUSPENSION).lifted_by == moderator
    assert Notification.objects.filter(recipient=member).first().message == "Moderators lifted your suspension."
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == ["suspend", "lift"]


def test_a_new_silence_replaces_the_one_in_force(personas):
    member, moderator = personas["member"], personas["moderator"]
    moderate(moderator, member, "silence", duration="permanent")
    decision = moderate(moderator, member, "silence", duration="24h")
    assert decision.lifted == 1 and decision.standing.silenced_until is not None
    assert Sanction.objects.filter(user=member, kind=SanctionKind.SILENCE, lifted_at__isnull=True).count() == 1


def test_bad_requests_change_nothing(personas):
    member, moderator = personas["member"], personas["moderator"]
    cases = [
        ({"action": "ban"}, "action"),
        ({"action": "silence", "duration": None}, "duration"),
        ({"action": "suspend", "duration": "1y"}, "duration"),
        ({"action": "warn", "reason": ""}, "reason"),
        ({"action": "lift", "reason": ""}, "action"),  # nothing in force to lift
    ]
    for arguments, field in cases:
        with pytest.raises(ModerationError) as error:
            user_moderate(moderator=moderator, username=member.username, **{"reason": "r", **arguments})
        assert error.value.field == field
    with pytest.raises(NotAllowed) as error:
        user_moderate(moderator=moderator, username="nobody", action="warn", reason="r")
    assert error.value.code == Refusal.NOT_FOUND
    assert not Sanction.objects.filter(user=member).exists() and not ModerationAction.objects.exists()


def test_moderators_cannot_sanction_admins_or_themselves_but_admins_can_sanction_moderators(personas):
    moderator, admin = personas["moderator"], personas["admin"]
    with pytest.raises(NotAllowed) as error:
        moderate(moderator, admin, "silence", duration="24h")
    assert error.value.code == Refusal.NOT_ADMIN
    with pytest.raises(NotAllowed) as error:
        moderate(moderator, moderator, "warn")
    assert error.value.code == Refusal.SELF
    with pytest.raises(NotAllowed):
        moderate(personas["member"], personas["author"], "warn")
    assert not Sanction.objects.filter(created_by__isnull=False).exists()
    moderate(admin, moderator, "warn")
    assert Sanction.objects.get(created_by=admin).user == moderator


def test_admins_set_roles_and_each_change_is_logged(personas):
    admin, member = personas["admin"], personas["member"]
    role_set(actor=admin, username=member.username, role="moderator")
    member.refresh_from_db()
    assert role_of(member) == "moderator" and is_moderator(member)
    role_set(actor=admin, username=member.username, role="member")
    member = type(member).objects.get(pk=member.pk)
    assert role_of(member) == "member" and not is_moderator(member)
    rows = list(ModerationAction.objects.order_by("pk").values_list("actor_username", "action", "before", "after"))
    assert rows == [
        ("admin", "role_set", {"role": "member"}, {"role": "moderator"}),
        ("admin", "role_set", {"role": "moderator"}, {"role": "member"}),
    ]
    assert Notification.objects.filter(recipient=member).count() == 2


def test_only_admins_set_roles_and_not_their_own(personas):
    for name in ("moderator", "member"):
        with pytest.raises(NotAllowed):
            role_set(actor=personas[name], username="author", role="moderator")
    with pytest.raises(NotAllowed) as error:
        role_set(actor=personas["admin"], username="admin", role="member")
    assert error.value.code == Refusal.SELF
    with pytest.raises(ModerationError):
        role_set(actor=personas["admin"], username="author", role="overlord")
    with pytest.raises(ModerationError):
        role_set(actor=personas["admin"], username="author", role="member")  # already
    assert role_of(personas["author"]) == "member" and not ModerationAction.objects.exists()


def test_the_command_line_makes_admins_who_can_use_the_admin_site():
    person = UserFactory()
    role_set(actor=None, username=person.username, role="admin")
    person = type(person).objects.get(pk=person.pk)
    assert role_of(person) == "admin" and person.is_staff
    row = ModerationAction.objects.get()
    assert row.actor is None and row.actor_username == "manage.py"
