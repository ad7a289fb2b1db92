"""A fast path for the requests sent all day long: a waiting citizen's unchanged poll and heartbeat,
and a clerk's unchanged console poll.

Why a middleware at the top of ``MIDDLEWARE``: 200 waiting citizens send about 90 such requests a
second, and almost all of them need one cache round trip and nothing else (once a minute per browser
one query renews the cached cookie check, here too). Going through sessions, locale, messages, CSP and
the URL resolver first costs more than the answer itself. This middleware answers those requests at
once and hands everything else — a changed state, an arrival, an unknown or revoked cookie, a failed
CSRF check — to the normal stack, unchanged. It grants nothing the views would not: the same cached
cookie check (``calls.sessions``), the same ETag, Django's own CSRF check.

Put it first::

    MIDDLEWARE = ["digitale_balie_plugin.live_middleware.LivePollMiddleware", *MIDDLEWARE]
"""

from __future__ import annotations

import re
from importlib import import_module

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse

from digitale_balie_plugin.calls import seats, sessions
from digitale_balie_plugin.calls.access import held_cookie
from digitale_balie_plugin.live import etag_matches, not_modified
from digitale_balie_plugin.room import api as room_api


class LivePollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._csrf = CsrfViewMiddleware(get_response)
        self._patterns = None

    def __call__(self, request):
        response = self._answer(request)
        return response if response is not None else self.get_response(request)

    def _routes(self):
        """``(state, heartbeat, seat)`` path patterns, from the URLconf (so a site may mount us anywhere)."""
        if self._patterns is None:
            names = ("room_state", "room_heartbeat", "seat_state")
            self._patterns = tuple(
                re.compile(
                    "^"
                    + re.escape(reverse(f"digitale_balie:{name}", args=[987654321])).replace(
                        "987654321", "([0-9]{1,18})"
                    )
                    + "$"
                )
                for name in names
            )
        return self._patterns

    def _answer(self, request) -> HttpResponse | None:
        state, beat, seat = self._routes()
        if request.method == "GET" and (match := state.match(request.path_info)):
            return self._unchanged_poll(request, int(match.group(1)))
        if request.method == "POST" and (match := beat.match(request.path_info)):
            return self._heartbeat(request, int(match.group(1)))
        if request.method == "GET" and (match := seat.match(request.path_info)):
            return self._unchanged_console(request, int(match.group(1)))
        return None

    def _unchanged_poll(self, request, session_id: int) -> HttpResponse | None:
        etag = sessions.poll_version(session_id, held_cookie(request, session_id))
        return not_modified(etag) if etag is not None and etag_matches(request, etag) else None

    def _unchanged_console(self, request, seat_id: int) -> HttpResponse | None:
        """The clerk's poll: the user from the session store (the cache, with ``cached_db``), never the
        user table; the session's auth hash must match the one cached with the clerk's seats."""
        from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

        if "HTTP_IF_NONE_MATCH" not in request.META:
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        token = request.META.get("HTTP_X_BALIE_POLL")
        if token:  # one cache round trip: the console's signed poll token names the seat's sessions
            etag = seats.etag_from_poll_token(token, seat_id, session_key)
            if etag is not None:
                return not_modified(etag) if etag_matches(request, etag) else None
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        user_id, auth_hash = session.get(SESSION_KEY), session.get(HASH_SESSION_KEY)
        if not user_id or not auth_hash:
            return None
        try:
            etag = seats.cached_console_etag(int(user_id), auth_hash, seat_id)
        except (TypeError, ValueError):
            return None
        return not_modified(etag) if etag is not None and etag_matches(request, etag) else None

    def _heartbeat(self, request, session_id: int) -> HttpResponse | None:
        if self._csrf.process_view(request, room_api.heartbeat, (), {}) is not None:
            return None  # the normal stack refuses it, with Django's own 403 page
        arrival = sessions.checked_heartbeat(session_id, held_cookie(request, session_id))
        if arrival is False:
            return HttpResponse(status=204)
        request.balie_heartbeat = arrival  # already recorded in the cache: the view must not beat again
        return None
