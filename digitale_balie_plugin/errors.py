"""The site's ``handler500``: "try again in a minute" (503) while the database or Redis is away, the normal 500
page otherwise.

Why ``handler500`` and not a middleware: Django turns an exception raised anywhere — a view, or a middleware
loading the session or the user, answering a poll from the cache, saving the session afterwards — into a
response at the layer where it was raised, and with ``DEBUG = False`` that response comes from ``handler500``.
A middleware's ``process_exception`` only sees exceptions of views, and no middleware sees the others. The
response still goes back out through the outer middleware (security headers, CSP). Name it in the root
URLconf::

    handler500 = "digitale_balie_plugin.errors.server_error"

The page touches neither the database nor the cache: a template of our own (not the site's base template, whose
menus query pages, nor Wagtail's settings), rendered without context processors, in the request's language
(the URL prefix, the scripts' language header, then the cookie and the browser's, as ``LocaleMiddleware``).
Scripts get JSON instead (our ``live/`` endpoints, ``Accept: application/json``), with the same
``Retry-After``, so they keep polling and recover by themselves.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from digitale_balie_plugin.outages import RETRY_AFTER, name_of, outage_of
from digitale_balie_plugin.responses import PAGE_LANGUAGE_HEADER

logger = logging.getLogger("digitale_balie.outages")

TEMPLATE = "digitale_balie/errors/unavailable.html"
#: The package's polled endpoints (``room/urls.py``, ``console/urls.py``), below where the site includes it.
LIVE_PATH = "live/"


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: the 503 page for an outage (the exception being handled), Django's 500 page otherwise."""
    outage = outage_of(sys.exc_info()[1])
    if outage is None:
        return defaults.server_error(request, template_name)
    logger.warning(
        "%s %s answered 503: a shared service is away (%s)", request.method, _route(request), name_of(outage)
    )
    response = unavailable(request)
    response._has_been_logged = True  # logged above, once, without the path (tokens) or the error's message
    return response


def unavailable(request) -> HttpResponse:
    """503 with ``Retry-After``, never stored: JSON for scripts, a short page in the request's language."""
    with translation.override(_language(request)):
        if _wants_json(request):
            text = _("The digital counter cannot be reached for a moment. Please try again in a minute.")
            # ``messages``: what the console and the upload form show (console.js, room.js)
            response = JsonResponse({"error": "unavailable", "messages": [{"level": "error", "text": text}]})
        else:
            page = loader.get_template(TEMPLATE).render({"language": translation.get_language()})
            response = HttpResponse(page)
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _wants_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return request.path.startswith(_live_prefix()) or ("application/json" in accept and "text/html" not in accept)


def _live_prefix() -> str:
    """``/digitale-balie/live/`` where the site mounted the package there (from the URLconf: no query)."""
    try:
        return reverse("digitale_balie:set_language").removesuffix("language/") + LIVE_PATH
    except NoReverseMatch:
        return "/" + LIVE_PATH


def _language(request) -> str:
    """The request's language without a query: what ``LocaleMiddleware`` chose, or what it would choose."""
    chosen = getattr(request, "LANGUAGE_CODE", None)
    header = request.headers.get(PAGE_LANGUAGE_HEADER, "").lower()
    for language in (header, chosen, translation.get_language_from_path(request.path_info)):
        if language and language in dict(settings.LANGUAGES):
            return language
    return translation.get_language_from_request(request)


def _route(request) -> str:
    """The URL pattern's name (not the path: paths carry tokens), for the log."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None and match.view_name else "(unresolved)"
