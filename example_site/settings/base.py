"""Settings shared by every environment of the example site (a municipality's Wagtail site)."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.security import CITIZEN_CSP

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "example_site.home",
    # The digital counter and what it needs:
    "digitale_balie_plugin",
    "digitale_balie_plugin.cms",  # its pages, blocks and admin screens
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail_modeladmin",
    "django_q",
    "social_django",
    # A standard Wagtail site:
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",  # "Translate" on pages: the French counter page is one
    "wagtail.locales",  # Settings → Locales
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "example_site.demo_idp",  # demo OpenID Connect provider; answers only when DEMO_IDP is set
]

MIDDLEWARE = [
    # First: the load balancer's health probes, over plain HTTP and any Host (docs/operator.md, "Health, logs and
    # metrics"); then the request id every log line of the request (and of its tasks) carries.
    "digitale_balie_plugin.operations.middleware.HealthMiddleware",
    "digitale_balie_plugin.request_id.RequestIdMiddleware",
    # Answers unchanged waiting-room polls and heartbeats before the rest (docs/operator.md).
    "digitale_balie_plugin.live_middleware.LivePollMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # the city's own policy, for its own pages
    "digitale_balie_plugin.security.CounterCSPMiddleware",  # the package's, for counter pages and routes
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
STATICFILES_DIRS = [PROJECT_DIR / "static"]

WAGTAIL_SITE_NAME = "Stad Demostad"
WAGTAILADMIN_BASE_URL = "http://localhost:8000"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Content in Dutch and French (Wagtail's localisation): pages per locale, services translated; the interface
# also speaks English. Pages are served under i18n_patterns (urls.py): Dutch unprefixed, French under /fr/.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("nl", _("Dutch")), ("fr", _("French"))]
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no staff e-mail hashes to a third party; keeps the admin CSP tight
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin would call releases.wagtail.org (blocked by the admin CSP)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # console polls: no session query
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

DEFAULT_FROM_EMAIL = "Stad Demostad <balie@demostad.example>"

# --- the digital counter --------------------------------------------------------------------
DIGITALE_BALIE = {
    # Exchanged documents: private, outside MEDIA_ROOT, never served by URL (system check E010).
    "DOCUMENTS_ROOT": str(BASE_DIR / "var" / "documents"),
    "BASE_TEMPLATE": "base.html",
    # Every integration kind defaults to its offline demo provider. Real providers, e.g.:
    # "SMS": {"BACKEND": "twilio", "OPTIONS": {"ACCOUNT_SID": "...", "AUTH_TOKEN": "...", "FROM": "+32..."}},
    # Self-hosted Jitsi with prosody token auth (see docs/operator.md for prosody and jicofo):
    # "VIDEO": {"BACKEND": "jitsi", "OPTIONS": {"DEPLOYMENT": "self_hosted", "DOMAIN": "meet.stad.be",
    #                                           "APP_ID": "digitale-balie", "APP_SECRET": "..."}},
    # 8x8 JaaS:
    # "VIDEO": {"BACKEND": "jitsi", "OPTIONS": {"DEPLOYMENT": "jaas", "APP_ID": "vpaas-magic-cookie-...",
    #                                           "KEY_ID": "...", "PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----..."}},
}

# The city's own policy (django-csp) for the rest of its site: as strict as the package's, but the city embeds
# videos from YouTube's privacy-enhanced domain. The package sets its own policy on its own pages and routes,
# whatever is here. Wagtail's admin needs inline scripts: excluded here; the package's admin screens get ADMIN_CSP.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {**CITIZEN_CSP["DIRECTIVES"], "frame-src": ["https://www.youtube-nocookie.com"]},
}

Q_CLUSTER = {
    "name": "digitale_balie",
    "workers": 2,
    "timeout": 60,
    "retry": 120,
    "orm": "default",
    "catch_up": False,
}

# Identity verification: python-social-auth OpenID Connect backends that *verify* a citizen during
# a conversation and never log anyone in. They are listed here only — never in
# AUTHENTICATION_BACKENDS (system check digitale_balie.E006). The demo backend talks to the example
# site's own OpenID Connect server (example_site.demo_idp; wired in dev.py). Real providers:
#   "digitale_balie_plugin.integrations.identity.itsme.ItsmeBackend"  (SOCIAL_AUTH_BALIE_ITSME_*)
#   "digitale_balie_plugin.integrations.identity.fas.FasBackend"      (SOCIAL_AUTH_BALIE_FAS_*)
#   "digitale_balie_plugin.integrations.identity.oidc.OIDCVerificationBackend" (SOCIAL_AUTH_BALIE_OIDC_*)
# See docs/operator.md, "Identity verification".
SOCIAL_AUTH_AUTHENTICATION_BACKENDS = ["digitale_balie_plugin.integrations.identity.demo.DemoIdentityBackend"]
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_BALIE_DEMO_KEY = "digitale-balie-demo"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record gets ``request_id``: the request's, or the one of the request that enqueued the task.
    "filters": {"request_id": {"()": "digitale_balie_plugin.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # One JSON object a line (python-json-logger, the package's ``jsonlogs`` extra): production.py's choice
        # with BALIE_LOG_FORMAT=json.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "text", "filters": ["request_id"]}},
    "loggers": {
        "digitale_balie": {"handlers": ["console"], "level": "INFO"},
        "django-q": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
