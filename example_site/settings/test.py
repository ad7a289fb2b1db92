"""Test settings: SQLite, tasks run inline (django-q2 ``sync``), mail kept in memory."""

import os
import tempfile

from .base import *
from .base import BASE_DIR, DIGITALE_BALIE, Q_CLUSTER, TEMPLATES

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-7b1c9e2d4a"  # noqa: S105
ALLOWED_HOSTS = ["*"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BALIE_TEST_SQLITE", ":memory:"),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        "TEST": {"NAME": os.environ.get("BALIE_TEST_SQLITE") or None},
    }
}

POSTGRES_URL = os.environ.get("BALIE_TEST_POSTGRES", "")
if POSTGRES_URL:
    from urllib.parse import urlparse

    _url = urlparse(POSTGRES_URL)
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/") or "digitale_balie",
        "USER": _url.username or "",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "",
        "PORT": str(_url.port or ""),
        "CONN_MAX_AGE": 0,
    }

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run inline, except in a real-cluster test's qcluster subprocess (BALIE_Q_SYNC=0, see test_cases_cluster).
Q_CLUSTER = {**Q_CLUSTER, "sync": os.environ.get("BALIE_Q_SYNC", "1") == "1", "poll": 0.2}
if os.environ.get("BALIE_TEST_DB_NAME"):  # a subprocess that must use the test process's database
    DATABASES["default"]["NAME"] = os.environ["BALIE_TEST_DB_NAME"]
WAGTAILADMIN_BASE_URL = "http://testserver"
DIGITALE_BALIE = {
    **DIGITALE_BALIE,
    # One private directory per test process (tests that look at files point it elsewhere).
    "DOCUMENTS_ROOT": os.environ.get("BALIE_TEST_DOCUMENTS") or tempfile.mkdtemp(prefix="balie-documents-"),
    "BOOKING_RATE_LIMIT": (1000, 60),
    # Tests post the details form at once, and book and mail one address many times (the browser crawl does in
    # every language): the tests of these limits (tests/booking/test_booking_spam.py, …) set them themselves.
    "BOOKING_MIN_FILL_SECONDS": 0,
    "BOOKING_OPEN_PER_CONTACT": 100,
    "BOOKING_PER_CONTACT_PER_DAY": 100,
    "NOTIFICATIONS_PER_RECIPIENT_PER_DAY": 100,
    "IDENTITY_HASH_KEY": "test-identity-hash-key-not-for-production",
    "CASE_STALE_SENDING_SECONDS": int(os.environ.get("BALIE_CASE_STALE_SECONDS", "600")),
}
# Every identity backend is loadable in tests; each test points them at the local OpenID Connect
# provider it starts (tests/oidc) with override_settings.
SOCIAL_AUTH_AUTHENTICATION_BACKENDS = [
    "digitale_balie_plugin.integrations.identity.itsme.ItsmeBackend",
    "digitale_balie_plugin.integrations.identity.fas.FasBackend",
    "digitale_balie_plugin.integrations.identity.oidc.OIDCVerificationBackend",
    "digitale_balie_plugin.integrations.identity.demo.DemoIdentityBackend",
]

if os.environ.get("BALIE_TEST_CRM_URL"):  # the real-cluster test's receiver
    DIGITALE_BALIE["CRM"] = {
        "BACKEND": "webhook",
        "OPTIONS": {
            "URL": os.environ["BALIE_TEST_CRM_URL"],
            "SECRET": os.environ["BALIE_TEST_CRM_SECRET"],
            "TIMEOUT": 30,
        },
    }

# Templates of made-up extensions the tests register (an action type's own panel, say).
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]}]
