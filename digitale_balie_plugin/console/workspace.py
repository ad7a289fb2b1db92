"""The clerk's workspace: which conversation is selected, what it shows, and the commands that open one
focused panel at a time.

The console's own commands (a message to the waiting room, a guest link, the end of the call) and one per
action type (the ``ActionType`` extension point: its icon, label and ``clerk_panel_template``) share one
shape, so the template draws one command bar and the console knows no action type by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from digitale_balie_plugin.actions.registry import action_type, action_types, detail_relations
from digitale_balie_plugin.calls.forms import GuestForm
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.console.forms import EndCallForm, MessageForm
from digitale_balie_plugin.models import ActionStatus, InCallAction, SessionStatus, WaitingRoomMessage

#: The console's own panels, in the command bar's order (action types come between guest and end).
MESSAGE, GUEST, END = "message", "guest", "end"


@dataclass
class Panel:
    """One command of the bar and the focused panel it opens (rendered HTML)."""

    slug: str
    label: str
    icon: str
    html: str = ""
    primary: bool = False


@dataclass
class Event:
    """One line of the conversation's timeline."""

    at: datetime
    text: str
    kind: str  # "arrival", "message", "guest", "request", "document", "call" (CSS and tests)
    detail: str = ""

    @property
    def time(self) -> str:
        return timezone.localtime(self.at, app_settings.TIME_ZONE).strftime("%H:%M")


@dataclass
class Conversation:
    """The selected conversation, as the workspace's middle column shows it."""

    session: object
    item: dict
    panels: list[Panel] = field(default_factory=list)
    requests: list[tuple[int, str]] = field(default_factory=list)  # (action id, its card)
    timeline: list[Event] = field(default_factory=list)


def selected_session(sessions, wanted: str | None):
    """The conversation asked for (``?session=``, one of today's queue), else the one worth the clerk's eye:
    the call in progress, the first present waiting citizen, the next expected one, the last one."""
    by_id = {session.pk: session for session in sessions}
    if wanted and wanted.isdigit() and int(wanted) in by_id:
        return by_id[int(wanted)]
    for status in (SessionStatus.IN_CALL, SessionStatus.WAITING, SessionStatus.EXPECTED):
        found = next((session for session in sessions if session.status == status), None)
        if found is not None:
            return found
    return sessions[-1] if sessions else None


def conversation(request, seat, session, item: dict, *, follow_up_slots=()) -> Conversation:
    """Everything the middle column shows for ``session``; ``item`` is its queue entry (``console.state``)."""
    context = {"seat": seat, "item": item, "session": session}
    actions = list(
        InCallAction.objects.filter(session=session)
        .select_related(*detail_relations(), "session", "session__site", "created_by")
        .order_by("created_at")
    )
    selected = Conversation(session=session, item=item)
    # In the order they were made: a request that finishes keeps its place (nothing jumps under the pointer).
    selected.requests = [(action.pk, _request_card(request, context, action)) for action in actions]
    if session.is_open:
        selected.panels = _panels(request, context, session, follow_up_slots)
    selected.timeline = _timeline(session, actions)
    return selected


def _request_card(request, context, action) -> str:
    kind = action_type(action.kind)
    entry = {
        "id": action.pk,
        "kind": action.kind,
        "label": str(kind.label) if kind else action.kind,
        "status": action.status,
        "status_label": str(ActionStatus(action.status).label),
    }
    if kind is None:  # a kind whose feature was switched off since: its status line only
        return render_to_string(
            "digitale_balie/actions/clerk_default.html", {**context, "action": action, "entry": entry}
        )
    card = {**context, "action": action, "entry": entry, "kind": kind, **kind.clerk_context(action)}
    return render_to_string(kind.clerk_template, card, request=request)


def _panels(request, context, session, follow_up_slots) -> list[Panel]:
    """The command bar: the console's message and guest panels, one per action type, and the end."""
    item = context["item"]
    panels = []
    if session.is_video:  # the waiting room and the guest's link are the video call's
        own = (
            (Panel(MESSAGE, _("Message to the waiting room"), "mail"), MessageForm(auto_id="id_message_%s")),
            (Panel(GUEST, _("Invite a guest"), "group"), GuestForm(auto_id="id_guest_%s")),
        )
        for panel, form in own:
            panel.html = render_to_string(
                f"digitale_balie/console/panels/{panel.slug}.html",
                {**context, "form": form, "guests": item["guests"]},
                request=request,
            )
            panels.append(panel)
    for kind in action_types().values():
        form = kind.clerk_form(session, auto_id=f"id_{kind.identifier}_%s")
        html = render_to_string(
            kind.clerk_panel_template,
            {**context, "kind": kind, "form": form, **kind.clerk_panel_context(session)},
            request=request,
        )
        panels.append(Panel(f"action-{kind.identifier}", str(kind.label), kind.icon, html))
    if session.status == SessionStatus.IN_CALL:
        end = Panel(END, _("End the conversation"), "cross", primary=True)
        end.html = render_to_string(
            "digitale_balie/console/panels/end.html",
            {**context, "form": EndCallForm(slots=follow_up_slots, auto_id="id_end_%s")},
            request=request,
        )
        panels.append(end)
    return panels


def _timeline(session, actions) -> list[Event]:
    """What happened in this conversation, oldest first: arrival, start, messages, guests, requests,
    documents, end. New lines come at the bottom, so nothing above them moves."""
    events = []
    if session.waiting_since:
        events.append(Event(session.waiting_since, _("The citizen arrived in the waiting room."), "arrival"))
    if session.started_at:
        events.append(Event(session.started_at, _("The conversation started."), "call"))
    for message in WaitingRoomMessage.objects.filter(session=session).order_by("created_at"):
        events.append(Event(message.created_at, _("Message sent"), "message", message.text))
    for access in session.accesses.all():
        if access.role == "guest" and access.purpose == "link":
            events.append(
                Event(access.created_at, _("Guest invited: %(name)s") % {"name": access.display_name}, "guest")
            )
            if access.revoked_at:
                text = _("Guest link revoked: %(name)s") % {"name": access.display_name}
                events.append(Event(access.revoked_at, text, "guest"))
    for action in actions:
        kind = action_type(action.kind)
        label = str(kind.label) if kind else action.kind
        events.append(Event(action.created_at, _("Request: %(label)s") % {"label": label}, "request"))
        if not action.is_open and action.updated_at:
            status = str(ActionStatus(action.status).label)
            events.append(Event(action.updated_at, f"{label}: {status}", "request"))
    for document in getattr(session, "present_documents", ()):
        events.append(Event(document.created_at, _("Document: %(name)s") % {"name": document.name}, "document"))
    if session.ended_at:
        events.append(Event(session.ended_at, _("The conversation ended."), "call"))
    return sorted(events, key=lambda event: event.at)
