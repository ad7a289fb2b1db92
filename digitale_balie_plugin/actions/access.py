"""Which in-call action this browser may act on: one it took by link or code, or one it takes from the room.

The citizen page of every action type (consent, checkout, signature, form, documents) starts here.
"""

from __future__ import annotations

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.access import held_cookie
from digitale_balie_plugin.exceptions import ConversationClosed
from digitale_balie_plugin.models import ActionStatus, InCallAction

#: A request whose outcome its page still shows after the conversation ended (a receipt, a verified identity).
SHOWN_AFTER_THE_END = (ActionStatus.COMPLETED, ActionStatus.FAILED)


def action_for_browser(request, page, action_id, kind: str) -> InCallAction | None:
    """The action, if this browser took it (link or code) — or, from the video room, takes it now.

    Raises ``ConversationClosed`` when the browser belongs to the conversation but it is over and the
    request has no outcome to show.

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
    mine = handover.claimed_here(action, request)
    access = None if mine else sessions.access_for(action.session_id, held_cookie(request, action.session_id))
    if (mine or access is not None) and not action.session.is_open and action.status not in SHOWN_AFTER_THE_END:
        raise ConversationClosed()  # its page says the conversation ended (``cms.models``: 410)
    if mine:
        return action
    roles = action_type(kind).citizen_roles if action_type(kind) else ()
    allowed = access is not None and access.admitted and access.role in roles  # not a device still waiting
    if allowed and not action.is_final and handover.claim(action, request):
        action.refresh_from_db()
        return action
    return None


def detail_for_browser(request, page, action_id, kind: str, detail):
    """``detail(action_pk)`` — the kind's own row (a payment, a signature request) — of the action this
    browser may act on (see :func:`action_for_browser`), or ``None``."""
    action = action_for_browser(request, page, action_id, kind)
    return detail(action.pk) if action is not None else None
