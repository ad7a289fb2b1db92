"""The generated-input framework: hostile values, and a probe that sends one request and checks what it did.

Every request runs in a savepoint that is rolled back afterwards, with the cache (sessions, rate limits, live
versions, the demo payment provider's state) and each browser's cookies put back as they were: each example
starts from the same world, whatever the one before it did, and the database writes of an example stay bounded.
The probe checks the two rules of issue 16: no answer ≥ 500 (an exception in the view is one), and a refused
request (≥ 400) leaves every table of the package with the rows it had. Callbacks a request leaves for the commit
(e-mails, SMS, tasks) run too, inside the savepoint: a crash there is a crash of the request's work.
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from tests.conftest import IN_CI

#: The CI run sends the full number of inputs on SQLite (``make test``'s first pass); its PostgreSQL pass and a
#: local run send a smaller share, so the quick suite stays quick.
CI_SIZE = IN_CI and not os.environ.get("BALIE_TEST_POSTGRES")
#: What CI must send in total, across the generated-input tests.
CI_MINIMUM = 5_000

#: function_scoped_fixture: the world is built once per test on purpose (each example rolls back to it);
#: too_slow / data_too_large: a request through the whole page stack takes milliseconds, and strings are long.
settings.register_profile(
    "balie-fuzz",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

#: Requests sent, per test (printed at the end of the run by ``conftest.pytest_terminal_summary``).
SENT: Counter[str] = Counter()
#: GET and HEAD requests that added or removed rows (route, tables): reported, not failed (see the conftest).
GET_WRITES: Counter[tuple[str, str]] = Counter()

#: Answers, by hundred (200, 300, 400, 500).
STATUSES: Counter[int] = Counter()
#: Append-only records a refusal may add: the audit log keeps refused identity callbacks, wrong codes and the like.
LOGS = {"digitale_balie_auditevent"}
PACKAGE_APPS = ("digitale_balie", "digitale_balie_cms")

# --- values -------------------------------------------------------------------------------------------------

#: Hand-picked: the values behind the 5xx of the security review, and their cousins.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "-0",
    "1e3",
    "1e30",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999",
    "9" * 400,
    "0x1F",
    "1,5",
    "1.000,50",
    "0,001",
    "１２",
    "٣",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%ZZ",
    "99991231T2359Z",
    "00010101T0000Z",
    "99991231T0000Z",
    "20261207T0900Z",
    "20261299T9999Z",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "10000-01-01",
    "2026-12-07T09:00:00+99:00",
    "a@b",
    "@",
    "x" * 5000,
    "\u202e\u0645\U0001f600",
]

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
NUMBERS = st.one_of(
    st.integers(-(2**80), 2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes().map(lambda moment: moment.strftime("%Y%m%dT%H%MZ")),
    st.datetimes().map(lambda moment: moment.isoformat()),
)
HOSTILE = st.one_of(st.sampled_from(NASTY), TEXT, NUMBERS, DATES)
#: Header values as a WSGI server hands them over (latin-1), including ones no browser sends.
HEADER_TEXT = st.one_of(st.sampled_from(NASTY[:30]), st.text(st.characters(max_codepoint=255), max_size=80))
HEADERS = {
    "HTTP_ACCEPT": st.sampled_from(["application/json", "text/html", "*/*", ""]),
    "HTTP_IF_NONE_MATCH": HEADER_TEXT,
    "HTTP_X_BALIE_LANGUAGE": st.sampled_from(["nl", "fr", "en", "xx", "", "NL"]) | HEADER_TEXT,
    "HTTP_ACCEPT_LANGUAGE": st.sampled_from(["nl", "fr-BE", "*", "zz;q=x"]) | HEADER_TEXT,
    "HTTP_REFERER": st.sampled_from(["http://testserver/", "https://evil.example/", "javascript:alert(1)"])
    | HEADER_TEXT,
    "HTTP_X_FORWARDED_FOR": st.sampled_from(["1.2.3.4", "1.2.3.4, 5.6.7.8", "::1", "not an address"]) | HEADER_TEXT,
}
#: Bodies that are no form at all: what the request's parser has to survive.
RAW_BODIES = st.sampled_from(
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"a=%ZZ&b=%00&c", "application/x-www-form-urlencoded"),
        (b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb', "multipart/form-data; boundary=x"),
        (b"--y--", "multipart/form-data"),
        (b"\x00" * 64, "text/plain"),
    ]
)


def value_for(valid: dict[str, list], name: str):
    """A value for field ``name``: one that passes its checks (when the world has one), one of ``NASTY`` (as
    often: a generator that is not guided by coverage must try the known troublemakers on purpose), any other
    hostile one, or a list of them (the same field sent several times)."""
    good = [st.sampled_from(valid[name])] * 2 if valid.get(name) else []
    one = st.one_of(*good, st.sampled_from(NASTY), st.sampled_from(NASTY), HOSTILE)
    return st.one_of(one, one, one, st.lists(one, min_size=2, max_size=3))


def form_data(draw, valid: dict[str, list], fields: tuple[str, ...], universe: tuple[str, ...]) -> dict:
    """The route's own fields (each present three times out of four) and now and then a field of another form."""
    names = [name for name in fields if draw(st.integers(0, 3))]
    names += draw(st.lists(st.sampled_from(universe), max_size=1))
    return {name: draw(value_for(valid, name)) for name in dict.fromkeys(names)}


def headers(draw) -> dict:
    chosen = draw(st.lists(st.sampled_from(sorted(HEADERS)), max_size=3, unique=True))
    return {name: draw(HEADERS[name]) for name in chosen}


# --- the probe ------------------------------------------------------------------------------------------------


def _package_tables() -> list[str]:
    models = [model for label in PACKAGE_APPS for model in apps.get_app_config(label).get_models()]
    return sorted({model._meta.db_table for model in models if model._meta.managed})


def row_counts(tables: list[str]) -> dict[str, int]:
    """Rows per table of the package, in one query."""
    quote = connection.ops.quote_name
    counts = (f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608 - our own table names
    sql = "SELECT " + ", ".join(counts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@dataclass
class Request:
    who: str
    method: str
    path: str
    data: dict | None = None
    headers: dict | None = None
    raw: tuple[bytes, str] | None = None
    route: str = ""

    def __str__(self) -> str:
        body = f" raw={self.raw!r}" if self.raw else f" data={self.data!r}"
        return f"{self.who}: {self.method} {self.path}{body} headers={self.headers!r}"


class Probe:
    """Sends the requests of one test and checks each answer (see the module's docstring)."""

    def __init__(self, test_name: str, clients: dict, on_commit):
        self.test_name = test_name
        self.clients = clients
        self.on_commit = on_commit
        self.tables = _package_tables()
        self.baseline = self.current = row_counts(self.tables)

    @contextmanager
    def example(self):
        """One example: its requests' writes are rolled back and the cache and cookies put back after it."""
        cookies = {who: copy.deepcopy(client.cookies) for who, client in self.clients.items()}
        stored = _cache_state()
        try:
            with transaction.atomic():
                self.current = self.baseline
                yield self
                transaction.set_rollback(True)
        finally:
            for who, client in self.clients.items():
                client.cookies = cookies[who]
            _restore_cache(stored)
            mail.outbox.clear()
            DemoSmsProvider.clear()

    def send(self, request: Request, *, may_write: bool = True):
        """One request; ``may_write=False``: it must change no row whatever it answers (a wrong method)."""
        SENT[self.test_name] += 1
        try:
            response = self._perform(self.clients[request.who], request)
        except Exception as exc:
            raise AssertionError(f"500: {request} raised {exc!r}") from exc
        STATUSES[response.status_code // 100 * 100] += 1
        assert response.status_code < 500, f"{response.status_code}: {request}"
        after = row_counts(self.tables)
        changed = {
            table: (self.current[table], after[table]) for table in self.tables if after[table] != self.current[table]
        }
        self.current = after
        if not may_write:
            assert not changed, f"{response.status_code} to a wrong method, and rows changed {changed}: {request}"
        if response.status_code >= 400:
            written = {table: counts for table, counts in changed.items() if table not in LOGS}
            assert not written, f"refused ({response.status_code}) and rows changed {written}: {request}"
        elif changed and request.method in ("GET", "HEAD"):
            GET_WRITES[(request.route, ", ".join(sorted(changed)))] += 1
        return response

    def _perform(self, client, request: Request):
        extra = dict(request.headers or {})
        with self.on_commit(execute=True):
            if request.raw is not None:
                body, content_type = request.raw
                return client.generic(request.method, request.path, body, content_type=content_type, **extra)
            if request.method in ("GET", "HEAD", "POST"):
                return getattr(client, request.method.lower())(request.path, request.data or {}, **extra)
            body = urlencode(request.data or {}, doseq=True)
            return client.generic(
                request.method, request.path, body, content_type="application/x-www-form-urlencoded", **extra
            )


def _cache_state():
    """The local-memory cache's contents (the test settings' cache), to put back after an example."""
    if not isinstance(getattr(cache, "_cache", None), dict):
        return None
    return cache._cache.copy(), cache._expire_info.copy()


def _restore_cache(state) -> None:
    if state is None:
        return
    stored, expiry = state
    cache._cache.clear()
    cache._cache.update(stored)
    cache._expire_info.clear()
    cache._expire_info.update(expiry)
