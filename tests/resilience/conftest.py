"""Fixtures of the resilience tests: Redis away (a closed local port), a client that answers like production."""

import pytest
from django.test import Client

from tests.fixtures import *  # noqa: F403
from tests.resilience.away import redis_cache_settings


@pytest.fixture
def cache_away(settings):
    """Redis away, the cache configured as in production: its errors ignored (answers "nothing cached")."""
    settings.CACHES = redis_cache_settings(ignore_exceptions=True)


@pytest.fixture
def cache_away_raising(settings):
    """Redis away, the cache raising its errors (a site that did not set IGNORE_EXCEPTIONS)."""
    settings.CACHES = redis_cache_settings(ignore_exceptions=False)


@pytest.fixture
def browser():
    """A test client that answers like production (``handler500``), instead of re-raising the view's error."""
    return Client(raise_request_exception=False)
