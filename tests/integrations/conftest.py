"""Provider contract tests read messages in English (the source language), whatever the site's default."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
