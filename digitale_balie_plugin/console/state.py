"""What the clerk's console shows, as JSON: the seat's queue with presence, each conversation's actions,
documents and guests, and the call the clerk is in (a moderator token). The page and every poll share it."""

from __future__ import annotations

from django.utils import timezone

from digitale_balie_plugin import live
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.calls.seats import queue
from digitale_balie_plugin.calls.video import site_video_provider
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.documents.presentation import document_list
from digitale_balie_plugin.integrations.video.base import Participant, ParticipantRole
from digitale_balie_plugin.models import ActionStatus, SessionStatus
from digitale_balie_plugin.models.choices import Channel
from digitale_balie_plugin.models.settings import clerk_as_seen


def console_state(seat, user, sessions=None) -> dict:
    """The console's JSON: the queue with presence, and the call the clerk is in (moderator token).
    ``sessions``: today's queue when the caller already has it (the workspace page)."""
    sessions = queue(seat) if sessions is None else sessions
    here = live.present([session.pk for session in sessions])
    items = [_item(session, session.pk in here) for session in sessions]
    current = next((s for s in sessions if s.status == SessionStatus.IN_CALL and s.is_video), None)
    return {
        "sessions": items,
        "call": _moderator_access(current, user) if current else None,
        "current": current.pk if current else None,
    }


def _item(session, present: bool) -> dict:
    local = timezone.localtime(session.planned_start, app_settings.TIME_ZONE)
    waiting = session.waiting_since and timezone.localtime(session.waiting_since, app_settings.TIME_ZONE)
    return {
        "id": session.pk,
        "name": session.citizen_name,
        "service": session.service.name if session.service else "",
        "planned": local.strftime("%H:%M"),
        "channel": session.channel,
        "channel_label": str(Channel(session.channel).label),
        "is_video": session.is_video,
        "status": session.status,
        "status_label": str(SessionStatus(session.status).label),
        "present": present,
        "waiting_since": waiting.strftime("%H:%M")
        if waiting and present and session.status == SessionStatus.WAITING
        else "",
        "early": present and session.status == SessionStatus.WAITING and session.arrived_early,
        "walk_in": session.is_walk_in,
        "ticket": session.ticket_number,
        "question": session.appointment.question if session.appointment_id else "",
        "prepare": session.service.what_to_prepare if session.service else "",
        "actions": [
            {
                "id": action.pk,
                "kind": action.kind,
                "label": str(action_type(action.kind).label) if action_type(action.kind) else action.kind,
                "status": action.status,
                "status_label": str(ActionStatus(action.status).label),
            }
            for action in session.actions.all()
        ],
        "documents": document_list(session.present_documents, viewer="clerk")
        if hasattr(session, "present_documents")
        else [],
        "guests": [
            {"id": access.pk, "name": access.display_name}
            for access in session.accesses.all()
            if access.role == "guest" and access.purpose == "link" and access.revoked_at is None
        ],
        "devices": _waiting_devices(session),
    }


def _waiting_devices(session) -> list[dict]:
    """Devices that opened the citizen's link after the first one: the clerk lets one in or removes it.
    From the prefetched accesses (no query per conversation)."""
    now = timezone.now()
    return [
        {
            "id": access.pk,
            "device": access.device,
            "since": timezone.localtime(access.created_at, app_settings.TIME_ZONE).strftime("%H:%M"),
        }
        for access in session.accesses.all()
        if access.role == "citizen"
        and access.purpose == "cookie"
        and not access.admitted
        and access.revoked_at is None
        and access.expires_at > now
    ]


def _moderator_access(session, user):
    participant = Participant(
        display_name=clerk_as_seen(user, session.site),
        role=ParticipantRole.MODERATOR,
        participant_id=f"clerk-{user.pk}",
    )
    return (
        site_video_provider(session.site)
        .room_access(session.room_name, participant, not_after=session.links_valid_until)
        .to_json()
    )
