"""`manage.py up` is for local work: the processes it starts run with DEBUG on unless the user
chose otherwise (DEBUG defaults to false)."""
from annotations.management.commands.up import child_environment


def test_children_run_in_debug_by_default():
    env = child_environment({"PATH": "/usr/bin"})
    assert env == {"PATH": "/usr/bin", "DEBUG": "true"}


def test_a_debug_the_user_set_is_kept():
    assert child_environment({"DEBUG": "false"})["DEBUG"] == "false"
