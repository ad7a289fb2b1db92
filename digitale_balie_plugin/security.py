"""Content-Security-Policy: strict for citizen pages, the strictest Wagtail's admin works under.

Use in settings::

    from digitale_balie_plugin.security import CITIZEN_CSP
    CONTENT_SECURITY_POLICY = CITIZEN_CSP
    MIDDLEWARE += ["digitale_balie_plugin.security.CounterCSPMiddleware"]  # instead of csp's own

Citizen pages: no ``unsafe-inline`` anywhere, ``object-src 'none'``, ``base-uri 'none'``,
``frame-ancestors 'self'``. The Wagtail admin still needs inline styles and a few inline scripts
(wagtail/wagtail#1288), so paths under ``ADMIN_PATH_PREFIXES`` get ``ADMIN_CSP`` instead.
"""

from __future__ import annotations

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

from digitale_balie_plugin.conf import app_settings

CITIZEN_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

ADMIN_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}


class CounterCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin policy for admin paths."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(tuple(app_settings.ADMIN_PATH_PREFIXES)):
            parts.config = default_config(app_settings.get("ADMIN_CSP", ADMIN_CSP)["DIRECTIVES"])
            parts.nonce = None  # a nonce would make browsers ignore 'unsafe-inline'
        return parts


# --- openings of the strict policy, one response at a time ----------------------------------------


def allow_frames(response, origins: list[str], *, keep_self: bool = False):
    """Open the strict CSP for one embedded video room, on this response only."""
    if origins:
        frames = (["'self'"] if keep_self else []) + list(origins)
        response._csp_replace = {"frame-src": frames}  # replaces 'none' (never combine it)
        response._csp_update = {"script-src": list(origins), "connect-src": list(origins)}
    return response


def allow_form_targets(response, origins: list[str]):
    """Let a form on this page end in a redirect to ``origins`` (browsers apply ``form-action`` to the
    redirects that follow a form submission, e.g. the consent page's POST that leaves for itsme)."""
    if origins:
        response._csp_update = {**getattr(response, "_csp_update", {}), "form-action": sorted(set(origins))}
    return response
