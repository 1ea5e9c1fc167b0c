#!/usr/bin/env python
"""Django's command-line utility for rednote."""
import os
import sys

# `up` is for local work, and these only compare the models with the migrations (they sign and
# serve nothing): DEBUG on unless the user set it (it defaults to false), so they need no secret.
LOCAL_COMMANDS = {"up", "makemigrations", "showmigrations", "sqlmigrate"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rednote.settings")
    if sys.argv[1:2] and sys.argv[1] in LOCAL_COMMANDS:
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
