"""JSON endpoints of the waiting room, outside the page tree so a poll costs one query at most.

Routed in ``digitale_balie_plugin.urls``; access is the conversation's HttpOnly cookie.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from digitale_balie_plugin import live
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.actions.service import transition
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.access import access_or_404, held_cookie
from digitale_balie_plugin.live import etag_matches, json_with_etag, not_modified
from digitale_balie_plugin.models import ActionStatus, InCallAction
from digitale_balie_plugin.responses import in_page_language
from digitale_balie_plugin.room.state import citizen_state


@require_GET
@in_page_language
def state(request, session_id):
    """Unchanged: the cookie check and the version both come from the cache — a 304 without SQL."""
    cached = sessions.unchanged_version(session_id, held_cookie(request, session_id))
    if cached is not None and etag_matches(request, cached):
        return not_modified(cached)
    access = access_or_404(request, session_id, admitted=False)  # a waiting device learns when it is let in
    sessions.remember_access(access)  # the next unchanged poll needs no query
    etag = live.version("session", session_id)
    if access.admitted and etag_matches(request, etag):  # the cached cookie check had expired: nothing changed
        return not_modified(etag)
    return json_with_etag(citizen_state(access), etag)


@require_POST
def heartbeat(request, session_id):
    """A beat while present costs no SQL (two cache round trips); only an arrival writes."""
    if hasattr(request, "balie_heartbeat"):  # ``LivePollMiddleware`` beat already; True: an arrival
        arrival = request.balie_heartbeat
    else:
        arrival = sessions.cached_heartbeat(session_id, held_cookie(request, session_id))
    if arrival is False:
        return HttpResponse(status=204)
    access = access_or_404(request, session_id)  # not cached yet, or an arrival: one database check
    sessions.remember_access(access)
    if (arrival or live.beat(session_id)) and access.session.is_open:
        sessions.arrived(access.session)
    return HttpResponse(status=204)


@require_POST
@in_page_language
def action(request, session_id, action_id):
    """The citizen opened (``opened``) or finished (``done``) a simple action, such as a shared message."""
    access = access_or_404(request, session_id)
    item = get_object_or_404(InCallAction, pk=action_id, session_id=access.session.pk)
    kind = action_type(item.kind)
    if kind is None or access.role not in kind.citizen_roles:
        return HttpResponse(status=403)
    if request.POST.get("done"):
        if not kind.completed_by_citizen:  # e.g. a verification completes only through its provider
            return HttpResponse(status=403)
        transition(item, ActionStatus.COMPLETED, actor_label=access.role)
    elif not kind.handover:  # hand-over kinds are "opened" when the citizen takes them (claim)
        transition(item, ActionStatus.OPENED, actor_label=access.role)
    return HttpResponse(status=204)
