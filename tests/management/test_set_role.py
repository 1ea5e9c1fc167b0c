"""python manage.py set_role USERNAME member|moderator|admin"""
import pytest
from django.core.management import CommandError, call_command

from annotations.models import ModerationAction
from annotations.roles import is_moderator, role_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reload(user):
    return type(user).objects.get(pk=user.pk)


def test_set_role_makes_a_moderator_and_logs_it_as_the_command_line(capsys):
    person = UserFactory(username="grace")
    call_command("set_role", "grace", "moderator")
    assert "grace is now a moderator." in capsys.readouterr().out
    person = reload(person)
    assert role_of(person) == "moderator" and is_moderator(person)
    row = ModerationAction.objects.get()
    assert (row.actor_username, row.action, row.target_username, row.before, row.after) == (
        "manage.py", "role_set", "grace", {"role": "member"}, {"role": "moderator"},
    )


def test_set_role_back_to_member_takes_the_powers_away():
    person = UserFactory(username="grace", role="admin", is_staff=True)
    call_command("set_role", "grace", "member")
    person = reload(person)
    assert role_of(person) == "member" and not is_moderator(person) and not person.is_staff


def test_unknown_users_roles_and_no_change_fail_clearly():
    UserFactory(username="grace")
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        call_command("set_role", "nobody", "moderator")
    with pytest.raises(CommandError, match="grace is already a member"):
        call_command("set_role", "grace", "member")
    with pytest.raises(CommandError):
        call_command("set_role", "grace", "overlord")
    assert not ModerationAction.objects.exists()
