"""Development and ``make demo``: SQLite, django-q2's ORM broker, mail on the console."""

from .base import *
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = "django-insecure-demo-only-never-use-in-production-8f3k2l"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "var" / "demo.sqlite3",
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
