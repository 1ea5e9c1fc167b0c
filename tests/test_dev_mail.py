"""Sign-up mail in development: no mail leaves the machine; each one is a line with its link in
the terminal running the web server, and the page a new reader lands on says so."""
import io
import uuid

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from annotations.dev_mail import TerminalEmailBackend, mail_lines

pytestmark = pytest.mark.django_db

TERMINAL = "annotations.dev_mail.TerminalEmailBackend"


@pytest.fixture
def sign_up():
    """A new reader's sign-up form; a fresh address each time, as allauth sends one confirmation
    per address and few minutes (counted in the cache, which outlives a test)."""
    name = f"alice{uuid.uuid4().hex[:8]}"
    return {"username": name, "email": f"{name}@example.org", "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase"}


def test_a_mail_is_one_line_with_its_link_not_the_raw_message():
    message = EmailMultiAlternatives(
        "[127.0.0.1:8000] Please Confirm Your Email Address",
        "Hello from rednote!\n\nTo confirm, go to http://127.0.0.1:8000/accounts/confirm-email/MQ:abc/\n",
        to=["alice@example.org"],
    )
    message.attach_alternative("<p>html part</p>", "text/html")
    stream = io.StringIO()
    assert TerminalEmailBackend(stream=stream).send_messages([message]) == 1
    assert stream.getvalue() == (
        "mail | Please Confirm Your Email Address, to alice@example.org: "
        "http://127.0.0.1:8000/accounts/confirm-email/MQ:abc/\n"
    )


def test_a_mail_without_links_still_says_what_and_to_whom():
    message = EmailMultiAlternatives("Welcome", "Nothing to click.", to=["bob@example.org"])
    assert mail_lines(message) == ["mail | Welcome, to bob@example.org (no links)"]


@override_settings(EMAIL_BACKEND=TERMINAL)
def test_after_sign_up_the_page_says_the_link_is_in_the_terminal(client, capsys, sign_up):
    page = client.post("/accounts/signup/", sign_up, follow=True).content.decode()
    assert f"Confirmation email sent to {sign_up['email']}." in page
    assert "the confirmation link was printed in the terminal running manage.py up" in page
    printed = capsys.readouterr().out
    assert printed.startswith(
        f"mail | Please Confirm Your Email Address, to {sign_up['email']}: http://testserver/accounts/confirm-email/"
    )


@override_settings(EMAIL_BACKEND=TERMINAL, ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_when_confirmation_is_required_the_verify_page_points_to_the_terminal(client, capsys, sign_up):
    page = client.post("/accounts/signup/", sign_up, follow=True).content.decode()
    assert "Verify Your Email Address" in page
    assert "the confirmation link was printed in the terminal running <code>manage.py up</code>" in page
    assert "mail | Please Confirm Your Email Address" in capsys.readouterr().out


def test_with_a_real_mail_server_the_page_says_nothing_of_a_terminal(client, sign_up):
    page = client.post("/accounts/signup/", sign_up, follow=True).content.decode()
    assert f"Confirmation email sent to {sign_up['email']}." in page
    assert "terminal" not in page
    assert len(mail.outbox) == 1
