"""Shared fixtures. Under ``CI=true`` a test that would skip for a missing service fails instead."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally when a service (PostgreSQL, Chromium) is missing; fail in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Belt and braces: in CI, any skip becomes a failure (no silent gaps in the suite)."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"CI=true: skipped test counts as a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def _clean_cache_and_outboxes():
    from django.core.cache import cache

    from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider

    cache.clear()
    DemoSmsProvider.clear()
    yield


# A real OpenID Connect provider (oidc-provider on Node.js), one process per session, started on first use.
from tests.oidc.fixture import oidc_provider  # noqa: E402, F401
