"""System check W005: a site whose root URLconf does not name our ``handler500`` is told so."""

import pytest
from django.core import checks

from digitale_balie_plugin.checks import check_server_error_handler


def ids() -> set[str]:
    return {message.id for message in check_server_error_handler(None)}


def test_the_example_site_names_the_packages_handler():
    assert ids() == set()


@pytest.mark.urls("tests.resilience.urls_without_handler")
def test_a_site_with_djangos_default_handler_is_warned():
    assert ids() == {"digitale_balie.W005"}
    [warning] = check_server_error_handler(None)
    assert warning.level == checks.WARNING and "digitale_balie_plugin.errors.server_error" in warning.hint


@pytest.mark.urls("tests.resilience.urls")
def test_a_urlconf_that_takes_the_handler_over_passes():
    assert ids() == set()
