"""The citizen's answers between "your details" and "check your details", kept in their browser session.

GOV.UK's check-your-answers pattern without JavaScript: the details form is posted once, its answers wait in
the session (``Wijzigen`` links lead back to a prefilled form, a time taken meanwhile sends the citizen back to
choosing a time with nothing lost), and the check page's POST books. A draft older than ``MAX_AGE`` is
forgotten, and it is removed once booked: the session keeps no personal data longer than the booking needs.

The booking POST is safe to repeat: each draft has a random key; the first POST with it takes a lock in the
cache and leaves the confirmation's address there, so a second POST (a double click, a reload) leads to the
same confirmation instead of a second appointment.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.core.cache import cache

from digitale_balie_plugin.outages import ServiceAway

SESSION_KEY = "digitale_balie_booking"
#: The answers the details form posts (the CSRF token and anything else are not kept).
FIELDS = ("slot", "channel", "name", "email", "phone", "sms_consent", "language", "question")
MAX_AGE = 2 * 3600
#: How long a booked draft's key still leads to its confirmation (a reload of the booking POST).
DONE_FOR = 15 * 60


def save(request, service_slug: str, data) -> dict:
    """Keep the posted answers (``data``: the form's data) for ``service_slug``; returns the draft."""
    draft = {name: data.get(name, "") for name in FIELDS}
    draft.update(service=service_slug, saved=time.time(), key=secrets.token_urlsafe(16))
    request.session[SESSION_KEY] = draft
    return draft


def load(request) -> dict | None:
    """The session's draft when it is recent enough (for any service: the answers carry over)."""
    draft = request.session.get(SESSION_KEY)
    if not isinstance(draft, dict) or time.time() - draft.get("saved", 0) > MAX_AGE:
        return None
    return draft


def answers(draft: dict | None) -> dict:
    """The draft's answers as form data (without the slot, which belongs to one service)."""
    return {name: draft[name] for name in FIELDS if name != "slot" and draft.get(name)} if draft else {}


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def _cache_key(key: str, what: str) -> str:
    return f"digitale_balie:booking:{what}:{hashlib.sha256(key.encode()).hexdigest()}"


def start_booking(key: str) -> bool:
    """``True`` for the first booking POST of a draft, ``False`` for a repeat.

    Raises ``ServiceAway`` (a 503 "try again in a minute") when the cache cannot answer: without the lock a
    double click could book twice where a service has more than one free seat."""
    taken = cache.add(_cache_key(key, "lock"), 1, DONE_FOR)
    if taken is None:  # django-redis with IGNORE_EXCEPTIONS: Redis is away
        raise ServiceAway("the booking lock needs the cache")
    return taken


def release(key: str) -> None:
    """Let the draft be booked again (the time was taken: the citizen chooses another)."""
    cache.delete(_cache_key(key, "lock"))


def booked(key: str, confirmation_url: str) -> None:
    cache.set(_cache_key(key, "done"), confirmation_url, DONE_FOR)


def booked_before(key: str, *, wait: float = 5.0) -> str | None:
    """Where the first POST of a draft led; waits a moment for a POST still running (a double click)."""
    deadline = time.monotonic() + wait
    while True:
        url = cache.get(_cache_key(key, "done"))
        if url or time.monotonic() >= deadline:
            return url
        time.sleep(0.25)
