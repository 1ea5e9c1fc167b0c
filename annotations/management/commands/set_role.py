"""python manage.py set_role USERNAME member|moderator|admin"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from annotations.policy import NotAllowed
from annotations.roles import ROLES
from annotations.services.moderation import ModerationError
from annotations.services.sanctions import role_set


class Command(BaseCommand):
    help = (
        "Give a user a role: member, moderator or admin (admins can use Django's admin). The change "
        "is written to the moderation log with the actor \"manage.py\", and the user is notified."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=ROLES)

    def handle(self, *args, username: str, role: str, **options):
        try:
            role_set(actor=None, username=username, role=role)
        except (ModerationError, NotAllowed) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{username} is now {'an' if role == 'admin' else 'a'} {role}.")
