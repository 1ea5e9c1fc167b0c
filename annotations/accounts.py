"""django-allauth hooks: every new account starts as a member; suspended users and demo readers
cannot sign in."""
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from annotations.policy import standing_of, suspension_message
from annotations.roles import MEMBER, is_demo

DEMO_REFUSED = "Demo readers cannot sign in: sign up for an account of your own."


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=MEMBER)[0])
        return user

    def authenticate(self, request, **credentials):
        """The sign-in form: right password, but suspended, is an error on the form saying until
        when (only someone who knows the password learns of the suspension)."""
        user = super().authenticate(request, **credentials)
        if user is not None and is_demo(user):
            raise ValidationError(DEMO_REFUSED)
        if user is not None:
            standing = standing_of(user)
            if standing.suspended:
                raise ValidationError(suspension_message(standing))
        return user

    def pre_login(self, request, user, **kwargs):
        """Every other way in (a password reset, a login code) is refused the same way."""
        standing = standing_of(user)
        if standing.suspended or is_demo(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, DEMO_REFUSED if not standing.suspended else suspension_message(standing))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)
