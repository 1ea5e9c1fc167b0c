"""Where mail goes, for pages that tell a person to look for one."""
from django import template

from annotations.dev_mail import mail_goes_to_terminal

register = template.Library()


@register.simple_tag
def mail_in_terminal() -> bool:
    """True in development, where mail is printed in the terminal instead of sent."""
    return mail_goes_to_terminal()
