"""Fixtures for the writers' tests: pure, no database."""
from __future__ import annotations

import pytest

from tests.exporters import sample


@pytest.fixture
def corpus():
    return sample.corpus()
