"""The frozen Monday morning and the site, service, seat and clerk these tests build on."""

from tests.fixtures import *  # noqa: F403
from tests.journeys.fuzz import GET_WRITES, SENT, STATUSES


def pytest_terminal_summary(terminalreporter):
    """The generated-input tests' figures (``fuzz.py``): requests sent, answers by class, and GETs that wrote."""
    if not SENT:
        return
    answers = ", ".join(f"{status}s: {count}" for status, count in sorted(STATUSES.items()))
    terminalreporter.write_sep("-", f"generated input: {sum(SENT.values())} requests ({answers})")
    for (route, tables), count in sorted(GET_WRITES.items()):
        terminalreporter.write_line(f"a GET or HEAD of {route} changed the rows of {tables} ({count}x)")
