"""Settings for the test run: the project's own, with DEBUG on for local work unless the
environment says otherwise (rednote's DEBUG defaults to false). pytest-django loads settings
before any conftest.py, so the default is set here, where the settings are imported."""
import os

os.environ.setdefault("DEBUG", "true")

from rednote.settings import *  # noqa: E402, F403
