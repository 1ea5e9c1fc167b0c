"""Mail in development: nothing leaves the machine; each message becomes one line in the terminal
running the web server, with the links it carries (a sign-up confirmation, a password reset),
instead of the raw multi-part message Django's console backend prints. `manage.py up` shows
these lines under "mail". Set EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend to
see whole messages instead."""
from __future__ import annotations

import re
import sys
import threading

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

LINK = re.compile(r"https?://[^\s<>\"']+")
_SITE_PREFIX = re.compile(r"^\[[^\]]*\]\s*")
TERMINAL_BACKENDS = frozenset({
    "annotations.dev_mail.TerminalEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
})


def mail_goes_to_terminal() -> bool:
    """Whether mail is printed in the terminal rather than sent (development)."""
    return settings.EMAIL_BACKEND in TERMINAL_BACKENDS


def mail_lines(message) -> list[str]:
    """The lines that stand for one message: its subject, to whom, and each link in its body."""
    subject = _SITE_PREFIX.sub("", message.subject).strip() or "(no subject)"
    to = ", ".join(message.recipients()) or "nobody"
    links = list(dict.fromkeys(LINK.findall(message.body or "")))
    if not links:
        return [f"mail | {subject}, to {to} (no links)"]
    return [f"mail | {subject}, to {to}: {links[0]}", *(f"mail |   also: {link}" for link in links[1:])]


class TerminalEmailBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        sent = 0
        with self._lock:
            for message in email_messages:
                for line in mail_lines(message):
                    self.stream.write(line + "\n")
                sent += 1
            self.stream.flush()
        return sent
