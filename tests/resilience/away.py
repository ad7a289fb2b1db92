"""Services that are really away: a Redis cache, broker or PostgreSQL database on a local port nobody listens on.

A refused connection is the real error a restarting service gives (``redis.exceptions.ConnectionError``,
``django.db.OperationalError``), raised by the real client libraries, without a mock in between.
"""

import socket

from django.db.utils import ConnectionHandler


def closed_port() -> int:
    """A local TCP port with nothing listening (bound once by us, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_a_database_that_is_away() -> None:
    """Raises the real ``django.db.OperationalError`` of a PostgreSQL server that is stopped."""
    server = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": str(closed_port())}
    away = ConnectionHandler({"default": {**server, "NAME": "balie", "OPTIONS": {"connect_timeout": 2}}})["default"]
    try:
        with away.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        away.close()


def redis_away_url() -> str:
    return f"redis://127.0.0.1:{closed_port()}/0"


def redis_cache_settings(*, ignore_exceptions: bool) -> dict:
    """The production cache (example_site/settings/production.py) pointed at a Redis that is away."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_away_url(),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": ignore_exceptions,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
