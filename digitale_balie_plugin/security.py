"""Content-Security-Policy for the package's own pages and routes, and only for them.

Add the middleware; nothing else is needed::

    MIDDLEWARE += ["digitale_balie_plugin.security.CounterCSPMiddleware"]

The city's site stays the city's: its YouTube embeds, analytics and fonts keep whatever policy it had
(none, or django-csp's own ``CONTENT_SECURITY_POLICY``). The package's strict policy is set on

* counter pages and application form pages (every route they host: booking, the call, payments …),
* the package's URLs (``include("digitale_balie_plugin.urls")``: callbacks, uploads, live updates),
* the package's admin screens (the clerk's console, reports), with ``ADMIN_CSP``: Wagtail's admin still
  needs inline styles and a few inline scripts (wagtail/wagtail#1288).

Citizen pages: no ``unsafe-inline`` anywhere, ``object-src 'none'``, ``base-uri 'none'``,
``frame-ancestors 'self'``; ``DIGITALE_BALIE["CSP"]`` replaces it. When the site's own base template uses
django-csp's nonce for its inline scripts, the nonce is carried into the package's policy so they keep
working on counter pages.
"""

from __future__ import annotations

from enum import StrEnum

from csp.constants import HEADER, NONCE, NONE, SELF
from csp.utils import build_policy, default_config

from digitale_balie_plugin.conf import app_settings

PACKAGE = "digitale_balie_plugin."

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


class Scope(StrEnum):
    """Which of the package's policies a response gets."""

    CITIZEN = "citizen"
    ADMIN = "admin"


def use_counter_policy(response, scope: Scope = Scope.CITIZEN):
    """Mark a response as the package's own (a counter page serves it), whatever URL it came through."""
    response._balie_csp = scope
    return response


def _scope(request, response) -> Scope | None:
    marked = getattr(response, "_balie_csp", None)
    if marked:
        return Scope(marked)
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "func", None)
    view = getattr(view, "view_class", view)
    if not getattr(view, "__module__", "").startswith(PACKAGE):
        return None
    if request.path_info.startswith(tuple(app_settings.ADMIN_PATH_PREFIXES)):
        return Scope.ADMIN
    return Scope.CITIZEN


def _directives(scope: Scope, nonce: str | None) -> dict:
    if scope is Scope.ADMIN:
        return default_config(app_settings.get("ADMIN_CSP", ADMIN_CSP)["DIRECTIVES"])
    directives = default_config(app_settings.get("CSP", CITIZEN_CSP)["DIRECTIVES"])
    if nonce:  # the site's base template used django-csp's nonce: let those elements run here too
        for name in ("script-src", "style-src"):
            directives[name] = [*(directives.get(name) or [SELF]), NONCE]
    return directives


class CounterCSPMiddleware:
    """Sets the package's policy on the package's responses; leaves every other response untouched.

    Position in ``MIDDLEWARE`` does not matter: the package's policy replaces any policy django-csp's own
    middleware put on a package response (one response, one policy: two headers would intersect).
    Views open the strict policy per response with :func:`allow_frames` / :func:`allow_form_targets`
    (django-csp's ``_csp_update`` / ``_csp_replace`` attributes, read here).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        scope = _scope(request, response)
        if scope is None or getattr(response, "_csp_exempt", False):
            return response
        nonce = getattr(request, "_csp_nonce", None) if scope is Scope.CITIZEN else None
        response[HEADER] = build_policy(
            config=_directives(scope, nonce),
            update=getattr(response, "_csp_update", None),
            replace=getattr(response, "_csp_replace", None),
            nonce=nonce,  # a nonce would make browsers ignore the admin's 'unsafe-inline'
        )
        return response


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
