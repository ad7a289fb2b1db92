"""Which errors mean "a service we depend on is away for a moment" (database, cache, broker, object store).

Several app servers and worker clusters share PostgreSQL and Redis; when one of them restarts or fails over,
requests fail with these errors for a few seconds. They are not bugs: the citizen should read "try again in a
minute" (a 503 with ``Retry-After``, ``errors.server_error``), a task should be kept for later
(``jobs.enqueue``), a rate limit should let the request through. One list, matched by class (never by
message), so every place agrees on what an outage is.

- ``django.db.OperationalError`` / ``InterfaceError``: PostgreSQL refuses or drops the connection (also a
  deadlock or a statement timeout: transient too). The ORM broker of django-q2 raises these as well.
- ``redis.exceptions.ConnectionError`` / ``TimeoutError``: Redis down or restarting (``BusyLoadingError``,
  while it reads its append-only file back, is a ``ConnectionError``). The Redis broker of django-q2 and
  django-redis (without ``IGNORE_EXCEPTIONS``) raise these.
- ``django_redis.exceptions.ConnectionInterrupted``: django-redis's own wrapper, raised by its client.
- ``botocore.exceptions.ConnectionError`` / ``ReadTimeoutError``: the S3-compatible object store (documents)
  cannot be reached or does not answer.
- :class:`ServiceAway`: ours, when a cache that ignores its errors answered nothing where an answer is needed
  (a lock).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError

try:  # the [redis] extra: a site on another cache and broker has no redis package
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover - the test environment has redis
    RedisConnectionError = RedisTimeoutError = None
try:
    from django_redis.exceptions import ConnectionInterrupted
except ImportError:  # pragma: no cover
    ConnectionInterrupted = None
try:  # an S3-compatible object store through django-storages (boto3)
    from botocore.exceptions import ConnectionError as ObjectStoreConnectionError
    from botocore.exceptions import ReadTimeoutError as ObjectStoreReadTimeout
except ImportError:  # pragma: no cover
    ObjectStoreConnectionError = ObjectStoreReadTimeout = None

logger = logging.getLogger("digitale_balie.outages")

#: Seconds a client is asked to wait (``Retry-After``): about how long a restart or fail-over takes.
RETRY_AFTER = 30


class ServiceAway(Exception):
    """A shared service gave no usable answer where the request needs one (e.g. the cache, for a lock)."""


SERVICE_ERRORS: tuple[type[BaseException], ...] = tuple(
    error
    for error in (
        OperationalError,
        InterfaceError,
        RedisConnectionError,
        RedisTimeoutError,
        ConnectionInterrupted,
        ObjectStoreConnectionError,
        ObjectStoreReadTimeout,
        ServiceAway,
    )
    if error is not None
)


def outage_of(exc: BaseException | None) -> BaseException | None:
    """The error in ``exc``'s chain (itself, its cause, its context) that means a service is away, or ``None``.

    The chain matters: a library that catches a connection error and raises its own (a template tag, a
    storage backend) still reports an outage."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, SERVICE_ERRORS):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def name_of(exc: BaseException) -> str:
    """The error's class, fully qualified: what the log says (never the message, which may hold data)."""
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def log_outage(what: str, exc: BaseException) -> None:
    """One warning line: what was affected and by which error class."""
    logger.warning("%s: a shared service is away (%s)", what, name_of(exc))
