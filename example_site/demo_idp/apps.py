"""App config and the system checks: the demo provider out of production, its keys readable."""

import json

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from .keys import PROVIDER_KEYS, parse_private_jwks


class DemoIdpConfig(AppConfig):
    name = "example_site.demo_idp"
    label = "demo_idp"
    verbose_name = "Demo identity provider"

    def ready(self) -> None:
        checks.register(check_not_in_production, checks.Tags.security)
        checks.register(check_keys)


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


def check_keys(app_configs=None, **kwargs):
    """Keys given as text (``SIGNING_JWKS``, a client's inline ``jwks``) must parse: a malformed environment
    variable is named here, not found by the first citizen who tries to verify."""
    config = getattr(settings, "DEMO_IDP", None) or {}
    messages = []
    signing = config.get("SIGNING_JWKS")
    if signing and parse_private_jwks(signing, PROVIDER_KEYS) is None:
        messages.append(
            checks.Error(
                'DEMO_IDP["SIGNING_JWKS"] is not a private JWK set with an RS256 signing key.',
                hint="Give the JSON printed by: python manage.py balie_generate_jwks",
                id="demo_idp.E001",
            )
        )
    for client_id, client in (config.get("CLIENTS") or {}).items():
        inline = client.get("jwks") if isinstance(client, dict) else None
        if isinstance(inline, str) and not _is_jwks(inline):
            messages.append(
                checks.Error(
                    f'DEMO_IDP["CLIENTS"]["{client_id}"]["jwks"] is not a JWK set (JSON with a "keys" list).',
                    id="demo_idp.E001",
                )
            )
    return messages


def _is_jwks(text: str) -> bool:
    try:
        keys = json.loads(text).get("keys")
    except (ValueError, AttributeError):
        return False
    return isinstance(keys, list) and all(isinstance(key, dict) for key in keys)
