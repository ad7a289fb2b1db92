"""System checks with stable ids (``digitale_balie.E001`` …), run by ``manage.py check``."""

from importlib.util import find_spec
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ViewDoesNotExist
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages
from django.urls import get_resolver
from django.utils.module_loading import import_string

from digitale_balie_plugin.conf import FEATURE_REQUIRES, SETTING_NAME, Feature, app_settings
from digitale_balie_plugin.documents.storage import STORAGE_ALIAS, publicly_readable
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations import all_registries
from digitale_balie_plugin.integrations.identity.base import VerificationBackend
from digitale_balie_plugin.integrations.identity.registry import get_identity_providers
from digitale_balie_plugin.integrations.registry import ConfigWarning

REQUIRED_APPS = [
    "digitale_balie_plugin.cms",  # pages, blocks and admin screens (an app of its own since 0.2)
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail_modeladmin",
    "django_q",
]


@checks.register()
def check_installed_apps(app_configs, **kwargs):
    missing = [app for app in REQUIRED_APPS if app not in settings.INSTALLED_APPS]
    return [
        checks.Error(
            f"{app!r} must be in INSTALLED_APPS.",
            hint="See the README, 'Install into your Wagtail site'.",
            id="digitale_balie.E001",
        )
        for app in missing
    ]


@checks.register()
def check_quantum(app_configs, **kwargs):
    quantum = app_settings.SLOT_QUANTUM_MINUTES
    if quantum <= 0 or 60 % quantum:
        return [
            checks.Error(
                'DIGITALE_BALIE["SLOT_QUANTUM_MINUTES"] must divide 60 (e.g. 5, 10, 15).', id="digitale_balie.E002"
            )
        ]
    return []


@checks.register()
def check_integrations(app_configs, **kwargs):
    """Each configured provider must resolve; demo providers must not run with DEBUG off."""

    messages = []
    for registry in all_registries():
        try:
            provider = registry.get_provider()
        except ConfigurationError as exc:
            messages.append(checks.Error(str(exc), id="digitale_balie.E003"))
            continue
        if provider.is_demo and not settings.DEBUG:
            messages.append(
                checks.Warning(
                    f"The demo {registry.kind} provider is active while DEBUG is False.",
                    hint=f'Choose a real provider in DIGITALE_BALIE["{registry.kind}"]["BACKEND"].',
                    id="digitale_balie.W001",
                )
            )
        for problem in provider.check_config():
            if isinstance(problem, ConfigWarning):
                messages.append(checks.Warning(str(problem), id="digitale_balie.W002"))
            else:
                messages.append(checks.Error(str(problem), id="digitale_balie.E004"))
    return messages


@checks.register(checks.Tags.security, deploy=True)
def check_timezone(app_configs, **kwargs):
    if not settings.USE_TZ:
        return [checks.Error("The digital counter needs USE_TZ = True.", id="digitale_balie.E005")]
    return []


@checks.register(checks.Tags.security)
def check_identity(app_configs, **kwargs):
    """Verification backends verify, never log in; they need social_django and a hash key."""

    messages = []
    for path in getattr(settings, "AUTHENTICATION_BACKENDS", ()):
        try:
            backend = import_string(path)
        except ImportError:
            continue
        if isinstance(backend, type) and issubclass(backend, VerificationBackend):
            messages.append(
                checks.Error(
                    f"{path} is in AUTHENTICATION_BACKENDS: it would let an identity provider log people in.",
                    hint="List identity backends only in SOCIAL_AUTH_AUTHENTICATION_BACKENDS.",
                    id="digitale_balie.E006",
                )
            )
    backends = get_identity_providers()  # none while the identity feature is switched off
    if not backends:
        return messages
    if "social_django" not in settings.INSTALLED_APPS:
        messages.append(
            checks.Error(
                "'social_django' must be in INSTALLED_APPS for identity verification.", id="digitale_balie.E007"
            )
        )
    if not app_settings.IDENTITY_HASH_KEY and not settings.DEBUG:
        messages.append(
            checks.Error(
                'Set DIGITALE_BALIE["IDENTITY_HASH_KEY"]: the secret of the keyed hash of national register numbers.',
                hint="A long random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'. "
                "Never change it while verifications are kept.",
                id="digitale_balie.E008",
            )
        )
    from social_django.utils import load_strategy  # only now: social_django may be absent from a booking-only site

    strategy = load_strategy()
    for backend in backends:
        for problem in backend(strategy).check_config():
            messages.append(
                checks.Error(problem, hint="See docs/operator.md, 'Identity verification'.", id="digitale_balie.E009")
            )
        if backend.is_demo and not settings.DEBUG:
            messages.append(
                checks.Warning(
                    f"The demo identity provider ({backend.name}) is offered while DEBUG is False.",
                    hint="Remove it from SOCIAL_AUTH_AUTHENTICATION_BACKENDS in production.",
                    id="digitale_balie.W001",
                )
            )
    return messages


@checks.register()
def check_document_storage(app_configs, **kwargs):
    """Exchanged documents must live in private storage: never under the media or static roots, never in
    objects anyone may read.

    A site with the documents feature switched off exchanges none, so needs no storage for them."""
    if not app_settings.feature_on(Feature.DOCUMENTS):
        return []
    hint = 'Set DIGITALE_BALIE["DOCUMENTS_ROOT"] to a private directory, or STORAGES["digitale_balie_documents"].'
    try:
        storage = storages[STORAGE_ALIAS]
    except InvalidStorageError:
        root = app_settings.DOCUMENTS_ROOT
        if not root:
            return [checks.Error("No private storage for exchanged documents.", hint=hint, id="digitale_balie.E010")]
        return _inside_public_roots(root, 'DIGITALE_BALIE["DOCUMENTS_ROOT"]', hint)
    except (ImportError, ImproperlyConfigured, TypeError, ValueError) as exc:  # say so, not a traceback
        return [
            checks.Error(
                f'STORAGES["{STORAGE_ALIAS}"] cannot be loaded: {type(exc).__name__}: {exc}',
                hint='Check its BACKEND and OPTIONS (docs/operator.md, "Object storage").',
                id="digitale_balie.E010",
            )
        ]
    if publicly_readable(storage):
        return [
            checks.Error(
                f'STORAGES["{STORAGE_ALIAS}"] gives every document a public ACL ({storage.default_acl}).',
                hint='Use "private" (or no ACL on a bucket without ACLs): documents are never served by URL.',
                id="digitale_balie.E010",
            )
        ]
    if isinstance(storage, FileSystemStorage):
        return _inside_public_roots(storage.location, f'STORAGES["{STORAGE_ALIAS}"]', hint)
    return []


def _inside_public_roots(root, name: str, hint: str) -> list:
    resolved = Path(root).resolve()
    for public_name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, public_name, None)
        if public and resolved.is_relative_to(Path(public).resolve()):
            return [
                checks.Error(
                    f"{name} is inside {public_name}: documents would be public.", hint=hint, id="digitale_balie.E010"
                )
            ]
    return []


@checks.register()
def check_time_zone(app_configs, **kwargs):
    """One zone for everyone: the package shows times in Django's ``TIME_ZONE`` (see ``conf.TIME_ZONE``).

    0.1 had a zone of its own; a site that set it to Brussels while ``wagtail start`` left ``TIME_ZONE``
    at UTC showed the citizen 19:40 and the clerk 20:40 for the same appointment. Refuse the disagreement,
    and warn about UTC, which no municipality plans its counter in."""
    messages = []
    own = app_settings.get("TIME_ZONE")
    if own and own != settings.TIME_ZONE:
        messages.append(
            checks.Error(
                f'{SETTING_NAME}["TIME_ZONE"] is {own!r} but TIME_ZONE is {settings.TIME_ZONE!r}: '
                "citizens and clerks would see different times.",
                hint=f'Set TIME_ZONE = {own!r} and remove {SETTING_NAME}["TIME_ZONE"]: the package uses TIME_ZONE.',
                id="digitale_balie.E011",
            )
        )
    if settings.TIME_ZONE in (None, "UTC", "Etc/UTC"):
        messages.append(
            checks.Warning(
                "TIME_ZONE is UTC: opening hours, slots, e-mails and the console would show times in UTC.",
                hint='Set TIME_ZONE to the municipality\'s zone, e.g. TIME_ZONE = "Europe/Brussels".',
                id="digitale_balie.W003",
            )
        )
    return messages


#: Python packages a feature needs, and the extra of ``digitale-balie-plugin`` that installs them.
FEATURE_EXTRAS = {
    Feature.SIGNING: ("pyhanko", "signing"),
    Feature.FORMS: ("fpdf", "forms"),
}


@checks.register()
def check_features(app_configs, **kwargs):
    """The feature list must be valid, and every feature switched on needs its extra and what it builds on."""
    try:
        features = app_settings.FEATURES
    except ConfigurationError as exc:
        return [checks.Error(str(exc), id="digitale_balie.E012")]
    messages = []
    for feature in sorted(features):
        module, extra = FEATURE_EXTRAS.get(feature, (None, None))
        if module and find_spec(module) is None:
            messages.append(
                checks.Error(
                    f'The "{feature}" feature needs the "{extra}" extra.',
                    hint=f'pip install "digitale-balie-plugin[{extra}]", or remove "{feature}" from '
                    f'{SETTING_NAME}["FEATURES"].',
                    id="digitale_balie.E012",
                )
            )
        needed = FEATURE_REQUIRES.get(feature)
        if needed and needed not in features:
            messages.append(
                checks.Error(
                    f'The "{feature}" feature needs the "{needed}" feature.',
                    hint=f'Add "{needed}" to {SETTING_NAME}["FEATURES"], or remove "{feature}".',
                    id="digitale_balie.E013",
                )
            )
    return messages


#: Settings of the abuse limits; each property refuses nonsense with a ConfigurationError.
LIMIT_SETTINGS = (
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_PROXY_HEADER",
    "WALK_IN_RATE_LIMIT",
    "JOIN_RATE_LIMIT",
    "WALK_IN_QUEUE_LIMIT",
)


@checks.register(checks.Tags.security)
def check_client_address(app_configs, **kwargs):
    """Rate limits key on the client address: a typo in these settings must fail here, not on a citizen's
    request (E014); and a site behind a proxy that trusts none makes every citizen share one limit (W004)."""
    messages = []
    for name in LIMIT_SETTINGS:
        try:
            getattr(app_settings, name)
        except ConfigurationError as exc:
            messages.append(
                checks.Error(str(exc), hint="See docs/operator.md, 'Rate limiting'.", id="digitale_balie.E014")
            )
    if messages or app_settings.TRUSTED_PROXY_COUNT:
        return messages
    behind_proxy = app_settings.get("TRUSTED_PROXY_HEADER") or getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if behind_proxy and not settings.DEBUG:
        messages.append(
            checks.Warning(
                f'A reverse proxy is configured but {SETTING_NAME}["TRUSTED_PROXY_COUNT"] is 0: forwarded headers '
                "are ignored, so every citizen behind the proxy shares one rate limit.",
                hint=f'Set {SETTING_NAME}["TRUSTED_PROXY_COUNT"] to the number of your own reverse proxies '
                "(usually 1). See docs/operator.md, 'Rate limiting'.",
                id="digitale_balie.W004",
            )
        )
    return messages


OPERATIONS_SETTINGS = ("HEALTH_CHECK_TIMEOUT", "WORKER_HEARTBEAT_MAX_AGE")
#: A bearer token shorter than this is a password someone typed, not a secret (``secrets.token_urlsafe(32)``).
METRICS_TOKEN_MIN_LENGTH = 32


@checks.register()
def check_operations(app_configs, **kwargs):
    """The probes' timeouts must be numbers (E030), and the metrics token a real secret (E031)."""
    messages = []
    for name in OPERATIONS_SETTINGS:
        try:
            getattr(app_settings, name)
        except ConfigurationError as exc:
            hint = "See docs/operator.md, 'Health, logs and metrics'."
            messages.append(checks.Error(str(exc), hint=hint, id="digitale_balie.E030"))
    token = app_settings.METRICS_TOKEN
    if token and len(token) < METRICS_TOKEN_MIN_LENGTH:
        messages.append(
            checks.Error(
                f'{SETTING_NAME}["METRICS_TOKEN"] must be at least {METRICS_TOKEN_MIN_LENGTH} characters.',
                hint='Make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"',
                id="digitale_balie.E031",
            )
        )
    return messages


#: The ``handler500`` a site names in its root URLconf (``errors.py``; docs/operator.md, "When a service is away").
SERVER_ERROR_VIEW = "digitale_balie_plugin.errors.server_error"


@checks.register(checks.Tags.urls)
def check_server_error_handler(app_configs, **kwargs):
    """Without our ``handler500``, a citizen gets the site's 500 page (or a blank one) each time PostgreSQL or
    Redis restarts, instead of "try again in a minute" (W005). A site whose own handler calls ours may silence
    it (``SILENCED_SYSTEM_CHECKS``)."""
    try:
        handler = get_resolver().resolve_error_handler(500)
    except (ImportError, ViewDoesNotExist):
        return []  # Django's own URL checks report a handler that cannot be imported
    if f"{handler.__module__}.{handler.__qualname__}" == SERVER_ERROR_VIEW:
        return []
    return [
        checks.Warning(
            "The root URLconf's handler500 is not the digital counter's: while the database or Redis is away, "
            "citizens get an error page instead of 'try again in a minute' (503).",
            hint=f'Add handler500 = "{SERVER_ERROR_VIEW}" to your root URLconf. '
            "See docs/operator.md, 'When a service is away'.",
            id="digitale_balie.W005",
        )
    ]
