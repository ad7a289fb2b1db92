"""System checks with stable ids (``digitale_balie.E001`` …), run by ``manage.py check``."""

from django.conf import settings
from django.core import checks

from .conf import app_settings
from .exceptions import ConfigurationError

REQUIRED_APPS = ["wagtail.contrib.settings", "wagtail.contrib.routable_page", "wagtail_modeladmin", "django_q"]


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
    from .integrations import all_registries
    from .integrations.registry import ConfigWarning

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
