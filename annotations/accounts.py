"""django-allauth hooks: every new account starts as a member."""
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from annotations.roles import MEMBER


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=MEMBER)[0])
        return user
