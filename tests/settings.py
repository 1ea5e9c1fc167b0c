"""Settings for the test run: the project's own, with DEBUG on for local work unless the
environment says otherwise (rednote's DEBUG defaults to false). pytest-django loads settings
before any conftest.py, so the default is set here, where the settings are imported."""
import os

os.environ.setdefault("DEBUG", "true")

from rednote.settings import *  # noqa: E402, F403

# Cached reads in each test process' memory, emptied before every test (tests/conftest.py): never
# a Redis shared with other test runs, whose entries could outlive the database they came from.
CACHES["reads"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-reads"}  # noqa: F405
