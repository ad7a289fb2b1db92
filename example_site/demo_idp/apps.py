"""App config and the one system check that keeps the demo provider out of production."""

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class DemoIdpConfig(AppConfig):
    name = "example_site.demo_idp"
    label = "demo_idp"
    verbose_name = "Demo identity provider"

    def ready(self) -> None:
        checks.register(check_not_in_production, checks.Tags.security)


def check_not_in_production(app_configs=None, **kwargs):
    """Warn when the demo provider is configured without ``DEBUG``: anyone could pick any identity."""
    if getattr(settings, "DEMO_IDP", None) and not settings.DEBUG:
        return [
            checks.Warning(
                "The demo identity provider (DEMO_IDP) is configured while DEBUG is off.",
                hint="It lets anyone claim any test identity. Configure DEMO_IDP in development settings only.",
                id="demo_idp.W001",
            )
        ]
    return []
