"""Production: everything secret or site-specific comes from the environment.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma separated), POSTGRES_DB, POSTGRES_USER,
POSTGRES_PASSWORD, POSTGRES_HOST, REDIS_URL, EMAIL_HOST. Optional: POSTGRES_PORT, EMAIL_PORT,
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL, WAGTAILADMIN_BASE_URL,
BALIE_SMS_BACKEND plus its options, MOLLIE_API_KEY (+ MOLLIE_METHODS, MOLLIE_COUNTRY),
BALIE_DOCUMENTS_ROOT or BALIE_S3_BUCKET (+ BALIE_S3_ENDPOINT_URL, _REGION, _ACCESS_KEY_ID,
_SECRET_ACCESS_KEY, _PREFIX, _ADDRESSING_STYLE, _ACL, _ENCRYPTION, _KMS_KEY_ID, _MAX_MEMORY_SIZE),
CLAMD_SOCKET or CLAMD_HOST/PORT, BALIE_SIGNING_PKCS12 (a path) or BALIE_SIGNING_PKCS12_BASE64 (the
content) (+ BALIE_SIGNING_PASSPHRASE, BALIE_TIMESTAMP_URL), BALIE_CRM_URL, BALIE_CRM_SECRET,
BALIE_TRUSTED_PROXIES (reverse proxies in front, default 1), BALIE_FEATURES (comma separated; default
all; empty for booking and video only: then only the switched-on features' variables are required),
JITSI_DEPLOYMENT/JITSI_DOMAIN/JITSI_APP_ID/JITSI_APP_SECRET (or JITSI_KEY_ID + JITSI_PRIVATE_KEY),
BALIE_LOG_FORMAT (text or json), BALIE_METRICS_TOKEN, DJANGO_STATIC_ROOT, ITSME_OIDC_ENDPOINT and
FAS_OIDC_ENDPOINT (an acceptance broker) (see docs/operator.md).

Providers by environment, for a staging site or a CI profile without the real ones at hand:
BALIE_SMS_BACKEND (twilio), BALIE_VIDEO_BACKEND (jitsi), BALIE_PAYMENTS_BACKEND (mollie),
BALIE_SIGNING_BACKEND (pyhanko), BALIE_CRM_BACKEND (webhook), BALIE_ANTIVIRUS_BACKEND (clamav): each
the real one or ``demo``; BALIE_IDENTITY_BACKENDS (itsme,fas) lists itsme, fas, oidc and/or demo (the
example site's demo provider, keys in BALIE_DEMO_IDP_SIGNING_JWKS and BALIE_DEMO_IDP_CLIENT_JWKS,
served at BALIE_DEMO_IDP_URL); oidc reads BALIE_OIDC_ENDPOINT, BALIE_OIDC_CLIENT_ID and
BALIE_OIDC_CLIENT_SECRET or BALIE_OIDC_PRIVATE_JWKS. A demo provider still meets the demo warnings of
``manage.py check`` (see docs/operator.md).
"""

from django.core.exceptions import ImproperlyConfigured

from digitale_balie_plugin.conf import Feature

from .base import *
from .base import BASE_DIR, DIGITALE_BALIE, LOGGING, Q_CLUSTER, STATIC_ROOT
from .demo_idp import DEMO_CLIENT_ID, demo_idp_settings
from .environment import env, env_list, integration, s3_documents_storage

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": env("POSTGRES_DB"),
        "USER": env("POSTGRES_USER"),
        "PASSWORD": env("POSTGRES_PASSWORD"),
        "HOST": env("POSTGRES_HOST"),
        "PORT": env("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}

REDIS_URL = env("REDIS_URL")
# While Redis is away (a restart, a fail-over) the cache answers "nothing cached" instead of failing every
# request: sessions (cached_db) and live state fall back to the database, rate limits let requests through,
# the booking lock answers 503 (docs/operator.md, "When a service is away"). Short timeouts: a Redis host that
# vanished must not hold a request for the operating system's two minutes.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "CONNECTION_POOL_KWARGS": {"retry_on_timeout": True, "health_check_interval": 30},
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # each ignored error is logged (logger "django_redis.cache")
# The broker: timeouts too (above the 1 s its workers block waiting for a task), so a task that cannot be
# pushed falls back to the database quickly (digitale_balie_plugin.jobs).
Q_CLUSTER = {
    **Q_CLUSTER,
    "redis": f"{REDIS_URL}{'&' if '?' in REDIS_URL else '?'}socket_connect_timeout=2&socket_timeout=5",
    "workers": int(env("Q_WORKERS", "4")),
}
Q_CLUSTER.pop("orm", None)

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "true").lower() == "true"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# ``__Host-``: only over HTTPS, for this host alone, path "/" — a sibling sub-domain of the city cannot plant or
# overwrite them (the package's room cookies are named so on HTTPS already).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_AGE = 10 * 3600  # a clerk's login lasts a working day (Django's default: two weeks)
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN

# Collected at deploy time on each app server (`manage.py collectstatic`): a build artefact, not shared state.
STATIC_ROOT = env("DJANGO_STATIC_ROOT", str(STATIC_ROOT))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
# Exchanged documents and signed PDFs on an S3-compatible bucket when BALIE_S3_BUCKET is set (docs/operator.md,
# "Object storage"): what several app servers need. Otherwise a private directory, BALIE_DOCUMENTS_ROOT, below.
_document_storage = s3_documents_storage()
if _document_storage:
    STORAGES["digitale_balie_documents"] = _document_storage

# The optional features this counter offers (docs/operator.md, "Feature switches"): all unless listed.
FEATURES = [name.strip() for name in env("BALIE_FEATURES", ",".join(Feature)).split(",") if name.strip()]

DIGITALE_BALIE = {
    **DIGITALE_BALIE,
    "FEATURES": FEATURES,
    # Rate limits key on the client address the reverse proxy saw: the rightmost BALIE_TRUSTED_PROXIES entries
    # of X-Forwarded-For (docs/operator.md, "Rate limiting"). The proxy must append to the header.
    "TRUSTED_PROXY_COUNT": env("BALIE_TRUSTED_PROXIES", "1"),  # a digit string; check E014 refuses others
    "TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR",
    "SMS": integration(
        "BALIE_SMS_BACKEND",
        "twilio",
        lambda: {
            "ACCOUNT_SID": env("TWILIO_ACCOUNT_SID", ""),
            "AUTH_TOKEN": env("TWILIO_AUTH_TOKEN", ""),
            "FROM": env("TWILIO_FROM", ""),
        },
    ),
    "VIDEO": integration(
        "BALIE_VIDEO_BACKEND",
        "jitsi",
        lambda: {  # only what the environment sets: an empty option would be read as a choice
            key: value
            for key, value in {
                "DEPLOYMENT": env("JITSI_DEPLOYMENT", "self_hosted"),
                "DOMAIN": env("JITSI_DOMAIN", ""),
                "APP_ID": env("JITSI_APP_ID", ""),
                "APP_SECRET": env("JITSI_APP_SECRET", ""),
                "ALGORITHM": env("JITSI_ALGORITHM", ""),
                "KEY_ID": env("JITSI_KEY_ID", ""),
                "PRIVATE_KEY": env("JITSI_PRIVATE_KEY", ""),
            }.items()
            if value
        },
    ),
}
DIGITALE_BALIE.pop("DOCUMENTS_ROOT", None)  # the development directory; production names its own below

if Feature.PAYMENTS in FEATURES:
    # Payments through Mollie (docs/operator.md, "Payments"): a live_ key collects real money.
    DIGITALE_BALIE["PAYMENTS"] = integration(
        "BALIE_PAYMENTS_BACKEND",
        "mollie",
        lambda: {
            "API_KEY": env("MOLLIE_API_KEY", ""),
            "METHODS": env("MOLLIE_METHODS", "bancontact,kbc,belfius,creditcard"),
            "COUNTRY": env("MOLLIE_COUNTRY", "BE"),
        },
    )
    DIGITALE_BALIE["PAYMENT_MAX_AMOUNT"] = env("BALIE_PAYMENT_MAX_AMOUNT", "1000.00")
if Feature.DOCUMENTS in FEATURES:
    # Exchanged documents: the bucket above or a private directory (not under MEDIA_ROOT), scanned by clamd first.
    if not _document_storage:
        DIGITALE_BALIE["DOCUMENTS_ROOT"] = env("BALIE_DOCUMENTS_ROOT")
    DIGITALE_BALIE["ANTIVIRUS"] = integration(
        "BALIE_ANTIVIRUS_BACKEND",
        "clamav",
        lambda: (
            {"SOCKET": env("CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")}
            if not env("CLAMD_HOST", "")
            else {"HOST": env("CLAMD_HOST"), "PORT": int(env("CLAMD_PORT", "3310"))}
        ),
    )
if Feature.SIGNING in FEATURES:
    # The municipality's seal certificate (PKCS#12): a path on every server, or its content (base64) from a secret
    # store; optional RFC 3161 timestamp server. The demo signer takes the content of its own certificate
    # (manage.py balie_demo_signing_cert --base64) so that every server seals with the same one.
    _signing = {
        "PKCS12_PATH": env("BALIE_SIGNING_PKCS12", ""),
        "PKCS12_BASE64": env("BALIE_SIGNING_PKCS12_BASE64", ""),
        "PKCS12_PASSPHRASE": env("BALIE_SIGNING_PASSPHRASE", ""),
        "TIMESTAMP_URL": env("BALIE_TIMESTAMP_URL", ""),
        "LOCATION": env("BALIE_SIGNING_LOCATION", ""),
    }
    DIGITALE_BALIE["SIGNING"] = integration("BALIE_SIGNING_BACKEND", "pyhanko", lambda: _signing, _signing)
if Feature.CRM in FEATURES:
    # Case records after each conversation: a webhook to the municipality's CRM (docs/developer.md).
    DIGITALE_BALIE["CRM"] = integration(
        "BALIE_CRM_BACKEND", "webhook", lambda: {"URL": env("BALIE_CRM_URL"), "SECRET": env("BALIE_CRM_SECRET")}
    )

# Identity verification: the real providers (docs/operator.md, "Identity verification"); "demo" only for a staging
# site or CI profile. BALIE_IDENTITY_BACKENDS lists the providers offered, in order, e.g. "itsme,fas".
IDENTITY_BACKENDS = {
    "itsme": "digitale_balie_plugin.integrations.identity.itsme.ItsmeBackend",
    "fas": "digitale_balie_plugin.integrations.identity.fas.FasBackend",
    "oidc": "digitale_balie_plugin.integrations.identity.oidc.OIDCVerificationBackend",
    "demo": "digitale_balie_plugin.integrations.identity.demo.DemoIdentityBackend",
}
_identity = env_list("BALIE_IDENTITY_BACKENDS", "itsme,fas")
_unknown = [name for name in _identity if name not in IDENTITY_BACKENDS]
if _unknown:
    known = ", ".join(IDENTITY_BACKENDS)
    raise ImproperlyConfigured(f"BALIE_IDENTITY_BACKENDS lists {', '.join(_unknown)}: use {known}.")
SOCIAL_AUTH_AUTHENTICATION_BACKENDS = [IDENTITY_BACKENDS[name] for name in _identity]
if Feature.IDENTITY in FEATURES:
    DIGITALE_BALIE["IDENTITY_HASH_KEY"] = env("BALIE_IDENTITY_HASH_KEY")
SOCIAL_AUTH_BALIE_ITSME_KEY = env("ITSME_CLIENT_ID", "")
SOCIAL_AUTH_BALIE_ITSME_SERVICE_CODE = env("ITSME_SERVICE_CODE", "")
SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS = env("ITSME_PRIVATE_JWKS", "")  # JSON text: python manage.py balie_generate_jwks
SOCIAL_AUTH_BALIE_ITSME_ENVIRONMENT = env("ITSME_ENVIRONMENT", "prd")
SOCIAL_AUTH_BALIE_FAS_KEY = env("FAS_CLIENT_ID", "")
SOCIAL_AUTH_BALIE_FAS_SECRET = env("FAS_CLIENT_SECRET", "")
SOCIAL_AUTH_BALIE_FAS_ENVIRONMENT = env("FAS_ENVIRONMENT", "prod")
# An acceptance or own broker instead of the federal/itsme one named by *_ENVIRONMENT (CI's production profile
# points FAS at a local OpenID Connect provider this way).
if env("ITSME_OIDC_ENDPOINT", ""):
    SOCIAL_AUTH_BALIE_ITSME_OIDC_ENDPOINT = env("ITSME_OIDC_ENDPOINT")
if env("FAS_OIDC_ENDPOINT", ""):
    SOCIAL_AUTH_BALIE_FAS_OIDC_ENDPOINT = env("FAS_OIDC_ENDPOINT")
SOCIAL_AUTH_BALIE_OIDC_OIDC_ENDPOINT = env("BALIE_OIDC_ENDPOINT", "")
SOCIAL_AUTH_BALIE_OIDC_KEY = env("BALIE_OIDC_CLIENT_ID", "")
SOCIAL_AUTH_BALIE_OIDC_SECRET = env("BALIE_OIDC_CLIENT_SECRET", "")
SOCIAL_AUTH_BALIE_OIDC_PRIVATE_JWKS = env("BALIE_OIDC_PRIVATE_JWKS", "")
if SOCIAL_AUTH_BALIE_OIDC_PRIVATE_JWKS:
    SOCIAL_AUTH_BALIE_OIDC_TOKEN_ENDPOINT_AUTH_METHOD = "private_key_jwt"  # noqa: S105 - a method, not a secret
if "demo" in _identity:
    # The example site's demo provider, served by this site: both of its key sets from the environment (JSON text,
    # python manage.py balie_generate_jwks --encryption-alg RSA-OAEP), so every app server signs and verifies
    # with the same keys. It warns in manage.py check (demo_idp.W001, digitale_balie.W001), as it should.
    DEMO_IDP = demo_idp_settings(
        BASE_DIR,
        env("BALIE_DEMO_IDP_URL", WAGTAILADMIN_BASE_URL),
        signing_jwks=env("BALIE_DEMO_IDP_SIGNING_JWKS"),
        client_private_jwks=env("BALIE_DEMO_IDP_CLIENT_JWKS"),
    )
    SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT = DEMO_IDP["ISSUER"]
    SOCIAL_AUTH_BALIE_DEMO_KEY = DEMO_CLIENT_ID
    SOCIAL_AUTH_BALIE_DEMO_PRIVATE_JWKS = env("BALIE_DEMO_IDP_CLIENT_JWKS")
SOCIAL_AUTH_REDIRECT_IS_HTTPS = True

# bench/load.py's floor: a bare view at /bench-floor/, and each answer's SQL statements counted in a header
# (never on a real site).
BENCH_FLOOR = env("BALIE_BENCH_FLOOR", "") == "1"
if BENCH_FLOOR:
    MIDDLEWARE = ["example_site.bench.QueryCountMiddleware", *MIDDLEWARE]

# Health, logs and metrics (docs/operator.md): BALIE_LOG_FORMAT=json writes one JSON object a line (with the
# request id); BALIE_METRICS_TOKEN (32+ characters) opens /digitale-balie/metrics to Prometheus' bearer token.
if env("BALIE_LOG_FORMAT", "text") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
DIGITALE_BALIE["METRICS_TOKEN"] = env("BALIE_METRICS_TOKEN", "")
