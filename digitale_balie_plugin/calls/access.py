"""Who this browser is in a conversation: the room cookie set by a join or guest link.

Every capability whose citizen pages belong to a conversation (documents, feedback, in-call actions) asks
here, so the cookie's name, its attributes and its check live in one place.

The cookie's path is ``/``, on purpose: the citizen's pages live under the counter page in every language
(``/fr/…`` too) and the live endpoints under the package's own prefix, so a narrower path would lose the
conversation on a language switch. Paths are no security boundary between pages of one origin anyway
(RFC 6265, section 8.5). What does protect it: HttpOnly (no script reads it), SameSite=Lax, one cookie per
conversation holding a token that works for that conversation only, an expiry at the end of the call, and
on HTTPS the ``__Host-`` prefix (Secure, no Domain: a sibling sub-domain cannot plant or overwrite it).
"""

from __future__ import annotations

from django.http import Http404

from digitale_balie_plugin.calls import sessions

SECURE_PREFIX = "__Host-"


def cookie_name(session_id: int, request=None) -> str:
    """One cookie per conversation; the token inside is bound to that session only."""
    name = f"balie_room_{session_id}"
    return SECURE_PREFIX + name if request is not None and request.is_secure() else name


def held_cookie(request, session_id: int) -> str | None:
    return request.COOKIES.get(cookie_name(session_id, request))


def set_room_cookie(response, request, session_id: int, raw: str, expires) -> None:
    response.set_cookie(
        cookie_name(session_id, request),
        raw,
        path="/",
        expires=expires,
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )


def access_or_404(request, session_id, site_id=None, *, admitted: bool = True):
    """The browser's access to the conversation; ``admitted=False`` also accepts a second device that waits
    for the clerk (only the room page and its state may see it: they tell it to wait)."""
    access = sessions.access_for(session_id, held_cookie(request, session_id))
    if access is None or (site_id is not None and access.session.site_id != site_id):
        raise Http404
    if admitted and not access.admitted:
        raise Http404
    return access
