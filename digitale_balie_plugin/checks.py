"""System checks with stable ids (``digitale_balie.E001`` …), run by ``manage.py check``."""

from django.conf import settings
from django.core import checks

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.documents.storage import STORAGE_ALIAS
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
            from django.utils.module_loading import import_string

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
    backends = get_identity_providers()
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
    from social_django.utils import load_strategy

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
    """Exchanged documents must live in private storage: never under the media or static roots."""
    from pathlib import Path

    from django.core.files.storage import InvalidStorageError, storages

    try:
        storages[STORAGE_ALIAS]
        return []
    except InvalidStorageError:
        pass
    root = app_settings.DOCUMENTS_ROOT
    hint = 'Set DIGITALE_BALIE["DOCUMENTS_ROOT"] to a private directory, or STORAGES["digitale_balie_documents"].'
    if not root:
        return [checks.Error("No private storage for exchanged documents.", hint=hint, id="digitale_balie.E010")]
    resolved = Path(root).resolve()
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and resolved.is_relative_to(Path(public).resolve()):
            return [
                checks.Error(
                    f'DIGITALE_BALIE["DOCUMENTS_ROOT"] is inside {name}: documents would be public.',
                    hint=hint,
                    id="digitale_balie.E010",
                )
            ]
    return []
