"""What the citizen's call page shows, as JSON-safe data: the first render and every live poll share it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digitale_balie_plugin.actions.registry import action_type, detail_relations
from digitale_balie_plugin.calls.video import site_video_provider
from digitale_balie_plugin.calls.walk_in import position
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.documents.presentation import document_list
from digitale_balie_plugin.documents.service import limits
from digitale_balie_plugin.feedback.service import may_answer
from digitale_balie_plugin.integrations.video.base import Participant, ParticipantRole, VideoError
from digitale_balie_plugin.models import ActionStatus, SessionStatus
from digitale_balie_plugin.models.settings import clerk_as_seen


def upload_context(session) -> dict:
    allowed, max_bytes = limits(session.site)
    return {
        "upload_url": reverse("digitale_balie:document_upload", args=[session.pk]),
        "accept": ",".join(f".{ext}" for ext in sorted(allowed)),
        "kinds": ", ".join(sorted(allowed)).upper(),
        "max_mb": max_bytes // (1024 * 1024),
    }


def citizen_state(access) -> dict:
    """Everything the citizen's page shows, as JSON-safe data."""

    session = access.session
    if not access.admitted:
        return _waiting_device_state(session)
    data = {
        "status": session.status,
        "status_label": str(SessionStatus(session.status).label),
        "headline": str(_headline(session)),
        "messages": _messages(session),
        "actions": _actions(session),
        "documents": document_list(session.documents.present(), viewer="citizen") if access.role == "citizen" else [],
        "call": None,
        "ended": not session.is_open,
        "feedback": access.role == "citizen" and may_answer(session),
        "summary": access.role == "citizen" and session.status == SessionStatus.ENDED,
        "before_its_day": session.status == SessionStatus.EXPECTED and session.before_its_day,
        "admitted": True,
    }
    if session.status == SessionStatus.IN_CALL and session.is_video:
        try:
            data["call"] = _room_access(session, access).to_json()
        except VideoError:
            data["headline"] = str(VideoError.default_message)
    return data


def _waiting_device_state(session) -> dict:
    """A second device sees only that it waits (and learns when it may come in): nothing of the conversation."""
    return {
        "status": session.status,
        "headline": str(_("This link is already open on another device. The clerk can let you in here. Please wait.")),
        "admitted": False,
        "ended": not session.is_open,
    }


def _messages(session) -> list[dict]:
    """The clerk's messages, each signed as the citizen sees the clerk ("Sofie, Stad Demostad")."""
    names: dict[int | None, str] = {}
    items = []
    for message in session.messages.select_related("sent_by"):
        if message.sent_by_id not in names:
            names[message.sent_by_id] = clerk_as_seen(message.sent_by, session.site)
        time = timezone.localtime(message.created_at).strftime("%H:%M")
        items.append({"text": message.text, "time": time, "from": names[message.sent_by_id]})
    return items


def _headline(session):
    if session.is_walk_in and session.status == SessionStatus.WAITING:
        place, minutes = position(session)
        if place == 1:
            return _("You are number 1 in the queue: you are next.")
        return _("You are number %(place)s in the queue. Expected wait: about %(minutes)s minutes.") % {
            "place": place,
            "minutes": minutes,
        }
    if session.status == SessionStatus.IN_CALL:
        return _("Your conversation has started.")
    if session.status == SessionStatus.CANCELLED:
        return _("This appointment was cancelled. This page does not work any more.")
    if not session.is_open:
        return _("The conversation has ended. Thank you.")
    if session.status == SessionStatus.EXPECTED and session.before_its_day:
        local = timezone.localtime(session.planned_start, app_settings.TIME_ZONE)
        return _(
            "Your appointment is on %(date)s at %(time)s. The waiting room opens that day: come back to this page "
            "then. You can test your camera and microphone now."
        ) % {"date": date_format(local, "l j F"), "time": local.strftime("%H:%M")}
    if session.arrived_early:
        local = timezone.localtime(session.planned_start, app_settings.TIME_ZONE)
        return _("You are early: your appointment is at %(time)s. The clerk sees that you are here.") % {
            "time": local.strftime("%H:%M")
        }
    return _("Please wait. The clerk will let you in soon.")


def _actions(session) -> list[dict]:
    items = []
    for action in session.actions.select_related(*detail_relations()):
        kind = action_type(action.kind)
        if kind is None:
            continue
        items.append(
            {
                "id": action.pk,
                "kind": action.kind,
                "label": str(kind.label),
                "status": action.status,
                "status_label": str(ActionStatus(action.status).label),
                "final": action.is_final,
                "can_complete": kind.completed_by_citizen,
                "summary": kind.citizen_summary(action) if action.session.is_open else {},
            }
        )
    return items


def _room_access(session, access):
    role = ParticipantRole.CITIZEN if access.role == "citizen" else ParticipantRole.GUEST
    participant = Participant(
        display_name=access.display_name or _("Citizen"), role=role, participant_id=f"{access.role}-{access.pk}"
    )
    return site_video_provider(session.site).room_access(
        session.room_name, participant, not_after=session.links_valid_until
    )
