"""Which in-call action this browser may act on: one it took by link or code, or one it takes from the room.

The citizen page of every action type (consent, checkout, signature, form, documents) starts here.
"""

from __future__ import annotations

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.access import cookie_name
from digitale_balie_plugin.models import InCallAction


def action_for_browser(request, page, action_id, kind: str) -> InCallAction | None:
    """The action, if this browser took it (link or code) — or, from the video room, takes it now.

    Only the conversation's citizen can take it from the room (a guest such as an interpreter must not
    prove the citizen's identity or pay for them), and only on the site of this counter page.
    """
    action = (
        InCallAction.objects.select_related("session", "session__site", "session__service", "created_by")
        .filter(pk=action_id, kind=kind, session__site_id=page.get_site().pk)
        .first()
    )
    if action is None:
        return None
    if handover.claimed_here(action, request):
        return action
    access = sessions.access_for(action.session_id, request.COOKIES.get(cookie_name(action.session_id)))
    allowed = access is not None and access.role in (action_type(kind).citizen_roles if action_type(kind) else ())
    if allowed and not action.is_final and handover.claim(action, request):
        action.refresh_from_db()
        return action
    return None


def detail_for_browser(request, page, action_id, kind: str, detail):
    """``detail(action_pk)`` — the kind's own row (a payment, a signature request) — of the action this
    browser may act on (see :func:`action_for_browser`), or ``None``."""
    action = action_for_browser(request, page, action_id, kind)
    return detail(action.pk) if action is not None else None
