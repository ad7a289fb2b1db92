"""JSON endpoints of the waiting room, outside the page tree so a poll costs one query at most.

Routed in ``digitale_balie_plugin.urls``; access is the conversation's HttpOnly cookie.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from ..actions.service import transition
from ..calls import live, sessions
from ..models import ActionStatus, InCallAction
from .live import etag_matches, json_with_etag, not_modified
from .room import access_or_404, citizen_state


@require_GET
def state(request, session_id):
    """Unchanged: one query (the cookie check) and a 304 from the cached version."""
    access = access_or_404(request, session_id)
    etag = live.version("session", session_id)
    if etag_matches(request, etag):
        return not_modified(etag)
    return json_with_etag(citizen_state(access), etag)


@require_POST
def heartbeat(request, session_id):
    access = access_or_404(request, session_id)
    if access.session.is_open:
        sessions.heartbeat(access.session)
    return HttpResponse(status=204)


@require_POST
def action(request, session_id, action_id):
    """The citizen opened (``opened``) or finished (``done``) a simple action, such as a shared message."""
    access = access_or_404(request, session_id)
    item = get_object_or_404(InCallAction, pk=action_id, session_id=access.session.pk)
    target = ActionStatus.COMPLETED if request.POST.get("done") else ActionStatus.OPENED
    transition(item, target, actor_label=access.role)
    return HttpResponse(status=204)
