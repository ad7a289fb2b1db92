"""What every citizen view answers with: a template inside the site's counter page, the invalid-link page.

Citizen views of every capability render through :func:`render`, so their pages extend the city's own
base template (the counter page's context carries it) and share one set of error pages.
"""

from __future__ import annotations

import math
from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import URLPattern
from django.utils import translation

from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.ratelimit import hit

TEMPLATES = "digitale_balie/citizen/"


def render(request, page, template: str, context: dict | None = None, status: int = 200) -> TemplateResponse:
    full_context = page.get_context(request)
    full_context.update(context or {})
    return TemplateResponse(request, TEMPLATES + template, full_context, status=status)


def file_download(handle, *, filename: str, content_type: str, as_attachment: bool = True) -> FileResponse:
    """A private document as a download: never cached, never sniffed, and sandboxed should a browser render
    it anyway (a PDF with script, an image that is really HTML)."""
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response._csp_exempt = True  # this policy, not the pages' one (the CSP middlewares would replace it)
    return response


def invalid_link(request, page):
    return render(request, page, "invalid_link.html", {"home_url": page.get_url(request)}, status=404)


def too_many_requests(request, page, *, window: int | None = None):
    """The "please wait a moment" page (429); ``window``: the limit's seconds, to say how long to wait."""
    context = {"wait_minutes": math.ceil(window / 60)} if window else {}
    return render(request, page, "too_many_requests.html", context, status=429)


def rate_limited(scope: str, limit, *, methods: tuple[str, ...] | None = ("POST",)):
    """A citizen view ``(request, page, …)`` whose requests count against ``limit`` per client address; past it
    the "please wait a moment" page (429) answers before the view runs, so a flood costs no queries.

    ``limit``: ``(attempts, seconds)``, or a function returning it (a setting, read on each request). ``methods``:
    which requests count (``None``: all). Every citizen POST route is rate limited like this or listed, with its
    reason, in the route audit ``tests/journeys/test_rate_limits.py``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, page, *args, **kwargs):
            if methods is None or request.method in methods:
                attempts, seconds = limit() if callable(limit) else limit
                if not hit(request, scope, attempts, seconds):
                    return too_many_requests(request, page, window=seconds)
            return view(request, page, *args, **kwargs)

        return wrapper

    return decorator


def guarded(view):
    """Turn an unknown/expired link into the explanatory 404 page instead of a bare error."""

    def wrapper(request, page, *args, **kwargs):
        try:
            return view(request, page, *args, **kwargs)
        except Http404:
            return invalid_link(request, page)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def feature_required(feature: Feature):
    """A route of an optional feature: a plain 404 while the feature is switched off.

    Checked on each request (not when the URLconf is built), so ``DIGITALE_BALIE["FEATURES"]`` is the
    one switch and tests can flip it. Works on view functions and on a page's route methods alike."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not app_settings.feature_on(feature):
                raise Http404(f"The {feature} feature is switched off on this site.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def feature_patterns(feature: Feature, patterns: list[URLPattern]) -> list[URLPattern]:
    """``patterns`` with each view behind :func:`feature_required` (names and arguments unchanged)."""
    return [
        URLPattern(pattern.pattern, feature_required(feature)(pattern.callback), pattern.default_args, pattern.name)
        for pattern in patterns
    ]


#: Sent by our scripts with the language of the page they run on (``live.js``).
PAGE_LANGUAGE_HEADER = "X-Balie-Language"


def in_page_language(view):
    """Answer a page's script in the language of that page.

    The scripts' endpoints live under ``/digitale-balie/``, outside the site's ``i18n_patterns``, so Django would
    answer them in the default language: a French waiting room would turn Dutch at its first poll. The header
    names the page's language; anything not in ``LANGUAGES`` is ignored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        language = request.headers.get(PAGE_LANGUAGE_HEADER, "").lower()
        if language not in dict(settings.LANGUAGES):
            return view(request, *args, **kwargs)
        with translation.override(language):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

    return wrapped
