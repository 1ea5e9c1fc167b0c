"""Roles are Django groups; moderators and admins get their powers from permissions."""
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

MEMBER = "member"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (MEMBER, MODERATOR, ADMIN)
DEMO = "demo"
"""Not a role: the group of the demo readers `manage.py seed_demo` makes, who cannot sign in."""

MODERATE_PERMISSION = "annotations.moderate_content"


def role_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The highest role a user holds, or None for anonymous visitors."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = {group.name for group in user.groups.all()}
    for role in (ADMIN, MODERATOR):
        if role in names:
            return role
    return MEMBER


def is_moderator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(MODERATE_PERMISSION)


def is_demo(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A demo reader (made by `manage.py seed_demo`): shown in the demo, never signed in."""
    return user.is_authenticated and user.groups.filter(name=DEMO).exists()


ROLE_PERMISSIONS = {
    MEMBER: (),
    MODERATOR: ("annotations.moderate_content", "annotations.change_article"),
    ADMIN: ("annotations.*", "auth.*"),
}


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give them their permissions (run after every migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for grant in grants:
            app_label, codename = grant.split(".")
            query |= Q(content_type__app_label=app_label) & (Q() if codename == "*" else Q(codename=codename))
        group.permissions.set(Permission.objects.filter(query))
