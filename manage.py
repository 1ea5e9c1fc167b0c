#!/usr/bin/env python
"""Django's command-line utility for rednote."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rednote.settings")
    if sys.argv[1:2] == ["up"]:
        # `up` is for local work: DEBUG on unless the user set it (it defaults to false).
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
