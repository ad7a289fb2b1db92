"""Who this browser is in a conversation: the room cookie set by a join or guest link.

Every capability whose citizen pages belong to a conversation (documents, feedback, in-call actions) asks
here, so the cookie's name and check live in one place.
"""

from __future__ import annotations

from django.http import Http404

from digitale_balie_plugin.calls import sessions


def cookie_name(session_id: int) -> str:
    """One cookie per conversation; the token inside is bound to that session only."""
    return f"balie_room_{session_id}"


def access_or_404(request, session_id, site_id=None):
    access = sessions.access_for(session_id, request.COOKIES.get(cookie_name(session_id)))
    if access is None or (site_id is not None and access.session.site_id != site_id):
        raise Http404
    return access
