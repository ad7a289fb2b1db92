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

# One cache for the demo's processes (the web server and the task worker), so the worker's heartbeat, presence and
# rate limits are seen by both: a folder on this one machine. Production shares Redis instead (production.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "var" / "cache",
    }
}

# The demo identity provider (example_site.demo_idp) and the demo backend that verifies against it,
# with the real itsme code path (private_key_jwt, encrypted ID token and UserInfo). Keys are created
# on first use in var/demo_idp/.
import os  # noqa: E402

from .demo_idp import DEMO_CLIENT_ID, demo_client_private_jwks, demo_idp_settings  # noqa: E402

DEMO_IDP = demo_idp_settings(BASE_DIR, "http://" + os.environ.get("DEMO_ADDRESS", "127.0.0.1:8000"))
SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT = DEMO_IDP["ISSUER"]
SOCIAL_AUTH_BALIE_DEMO_KEY = DEMO_CLIENT_ID
SOCIAL_AUTH_BALIE_DEMO_PRIVATE_JWKS = demo_client_private_jwks(BASE_DIR)
