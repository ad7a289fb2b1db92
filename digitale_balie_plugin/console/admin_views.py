"""The clerk's counter seat in the Wagtail admin: one page all day, live queue, call, actions.

Every POST works as a plain form (redirect back to the console); the console's JavaScript only
adds live updates and the embedded video room.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.registry import action_type, action_types, clerk_command, posted_id
from digitale_balie_plugin.actions.service import ActionNotAllowed, cancel, create_action
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.booking.notifications import reading_note
from digitale_balie_plugin.calls import seats, sessions, walk_in
from digitale_balie_plugin.calls.forms import GuestForm
from digitale_balie_plugin.calls.video import site_video_provider
from digitale_balie_plugin.console import workspace
from digitale_balie_plugin.console.forms import ClearWalkInsForm, ContactForm, EndCallForm, MessageForm
from digitale_balie_plugin.console.state import console_state
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.form_errors import error_text
from digitale_balie_plugin.links import session_link
from digitale_balie_plugin.live import etag_matches, json_with_etag, not_modified
from digitale_balie_plugin.models import (
    CallSession,
    CounterSeat,
    InCallAction,
    Notification,
    Outcome,
    SessionStatus,
)
from digitale_balie_plugin.models.choices import BookedVia, Channel
from digitale_balie_plugin.security import allow_frames


def _seat(request, seat_id) -> CounterSeat:
    """Only clerks of this seat get past here; everyone else gets a 404 (the seat's queue is not theirs)."""
    if seat_id not in seats.clerk_seat_ids(request.user):
        raise Http404
    return get_object_or_404(CounterSeat.objects.select_related("site"), pk=seat_id)


def _session(seat, session_id) -> CallSession:
    return get_object_or_404(
        CallSession.objects.select_related("site", "appointment", "service"), pk=session_id, seat=seat
    )


def choose_seat(request):
    seat_ids = seats.clerk_seat_ids(request.user)
    if not seat_ids:
        raise PermissionDenied
    mine = CounterSeat.objects.filter(pk__in=seat_ids).select_related("site")
    if len(mine) == 1:
        return HttpResponseRedirect(reverse("digitale_balie_console", args=[mine[0].pk]))
    return TemplateResponse(request, "digitale_balie/console/choose_seat.html", {"seats": mine})


@require_GET
def counter(request, seat_id):
    """The workspace: the day's queue, the selected conversation (``?session=``) with one focused panel
    (``?panel=``, so it works without JavaScript too), and the video."""
    seat = _seat(request, seat_id)
    seats.ensure_sessions(seat)
    provider = site_video_provider(seat.site)
    today = seats.queue(seat)
    state = console_state(seat, request.user, today)
    _attach_reading_notes(state)
    selected = workspace.selected_session(today, request.GET.get("session"))
    conversation = None
    if selected is not None:
        item = next(item for item in state["sessions"] if item["id"] == selected.pk)
        slots = _follow_up_slots(selected) if selected.status == SessionStatus.IN_CALL else ()
        conversation = workspace.conversation(request, seat, selected, item, follow_up_slots=slots)
    context = {
        "seat": seat,
        "state": state,
        "counts": _counts(state["sessions"]),
        "conversation": conversation,
        "open_panel": request.GET.get("panel", ""),
        "contact_form": ContactForm(seat=seat),
        "clear_form": ClearWalkInsForm(auto_id="clear-walk-ins-%s"),
        "state_url": reverse("digitale_balie:seat_state", args=[seat.pk]),
        "video_notices": _notices(provider),
    }
    response = TemplateResponse(request, "digitale_balie/console/counter.html", context)
    return allow_frames(response, provider.frame_origins(), keep_self=True)  # Wagtail's own previews


def _counts(items) -> dict:
    """The queue's header: who is waiting now, who is still to come, who is done."""
    waiting = sum(1 for item in items if item["status"] == SessionStatus.WAITING and item["present"])
    later = sum(1 for item in items if item["status"] == SessionStatus.EXPECTED)
    later += sum(1 for item in items if item["status"] == SessionStatus.WAITING and not item["present"])
    done = sum(1 for item in items if item["status"] in (SessionStatus.ENDED, SessionStatus.NO_SHOW))
    return {"waiting": waiting, "later": later, "done": done}


def _attach_reading_notes(state) -> None:
    """Under a booked citizen's name: how the e-mails and SMS about the appointment fared (one query)."""
    by_session = defaultdict(list)
    found = Notification.objects.filter(appointment__session__in=[item["id"] for item in state["sessions"]])
    for notification in found.annotate(session_pk=F("appointment__session")):
        by_session[notification.session_pk].append(notification)
    for item in state["sessions"]:
        item["reading_note"] = reading_note(by_session[item["id"]])


def _notices(provider):
    return [str(notice) for notice in provider.notices()]


@require_GET
def counter_state(request, seat_id):
    """Polled every 3 s. Unchanged: the user lookup only, then a 304 from cached versions and presence."""
    etag = seats.console_etag(request.user, seat_id) if request.user.is_authenticated else None
    if etag is None:
        raise Http404
    if etag_matches(request, etag):
        return not_modified(etag)
    seat = _seat(request, seat_id)
    token = seats.poll_token(seat.pk, request.session.session_key or "")
    return json_with_etag({**console_state(seat, request.user), "poll_token": token}, etag)


@require_POST
def session_command(request, seat_id, session_id, command):
    seat = _seat(request, seat_id)
    session = _session(seat, session_id)
    handler = command_for(command)
    if handler is None:
        raise Http404
    failed = False
    try:
        handler(request, seat, session)
    except CounterError as exc:
        messages.error(request, exc.message)
        failed = True
    if _wants_json(request):
        return _json_messages(request, status=400 if failed else 200)
    return HttpResponseRedirect(_workspace_url(seat, session))


def _workspace_url(seat, session) -> str:
    return reverse("digitale_balie_console", args=[seat.pk]) + f"?session={session.pk}#conversation-title"


def _wants_json(request) -> bool:
    """The console's script submits commands in the background (the video call must not reload)."""
    return "application/json" in request.headers.get("Accept", "")


def _json_messages(request, status=200, **extra):
    items = [{"level": message.level_tag, "text": str(message)} for message in messages.get_messages(request)]
    return JsonResponse({"messages": items, **extra}, status=status)


@require_POST
def open_contact(request, seat_id):
    seat = _seat(request, seat_id)
    form = ContactForm(request.POST, seat=seat)
    session = None
    if form.is_valid():
        data = form.cleaned_data
        session = sessions.open_contact(
            seat,
            channel=data["channel"],
            clerk=request.user,
            citizen_name=data["citizen_name"],
            service=data["service"],
        )
        messages.success(request, _("The conversation is open. You can now use the actions."))
    else:
        messages.error(request, _("Check the form to open a conversation."))
    if _wants_json(request):
        return _json_messages(request, status=200 if session else 400, session=session.pk if session else None)
    if session is None:
        return HttpResponseRedirect(reverse("digitale_balie_console", args=[seat.pk]))
    return HttpResponseRedirect(_workspace_url(seat, session))


@require_http_methods(["GET", "HEAD", "POST"])
def clear_walk_ins(request, seat_id):
    """Remove a flood of walk-in tickets at once: GET lists who would go (the confirmation), POST removes them.

    Only the seat's own clerks get here (``_seat``); the removed citizens' pages say the conversation ended."""
    seat = _seat(request, seat_id)
    form = ClearWalkInsForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Fill in a time such as 10:30, or leave it empty."))
        return HttpResponseRedirect(reverse("digitale_balie_console", args=[seat.pk]))
    since, until = form.window(seats.today())
    if request.method == "POST":
        count = walk_in.clear_waiting(seat, by_user=request.user, since=since, until=until)
        text = ngettext("%(count)s walk-in was removed.", "%(count)s walk-ins were removed.", count)
        messages.success(request, text % {"count": count})
        return HttpResponseRedirect(reverse("digitale_balie_console", args=[seat.pk]))
    until = until or timezone.now()
    tickets = walk_in.waiting_walk_ins(seat, since=since, until=until).order_by("ticket_number")
    context = {"seat": seat, "since": form["since"].value() or "", "until": until, "tickets": tickets}
    return TemplateResponse(request, "digitale_balie/console/clear_walk_ins.html", context)


def _start(request, seat, session):
    sessions.start_call(session, request.user)


def _message(request, seat, session):
    form = MessageForm(request.POST)
    if not form.is_valid():
        raise CounterError(_("Write a message first."))
    sessions.send_message(session, form.cleaned_data["text"], by_user=request.user)
    messages.success(request, _("Message sent."))


def _no_show(request, seat, session):
    sessions.mark_no_show(session, request.user)


def _guest(request, seat, session):
    form = GuestForm(request.POST)
    if not form.is_valid():
        raise CounterError(_("Fill in the guest's name."))
    raw = sessions.invite_guest(session, form.cleaned_data["name"], by_user=request.user)
    url = _guest_url(session, raw)
    messages.success(request, _("Guest link (send it to the guest): %(url)s") % {"url": url})


def _guest_url(session, raw):
    return session_link(session, "guest", raw)


def _revoke(request, seat, session):
    sessions.revoke_guest(session, posted_id(request, "access"), by_user=request.user)


def _admit_device(request, seat, session):
    sessions.admit_device(session, posted_id(request, "access"), by_user=request.user)
    messages.success(request, _("The other device is now the citizen's. The first device was signed out."))


def _admit_device_as_guest(request, seat, session):
    sessions.admit_device(session, posted_id(request, "access"), by_user=request.user, as_guest=True)
    messages.success(request, _("The other device joins as a guest."))


def _remove_device(request, seat, session):
    sessions.remove_device(session, posted_id(request, "access"), by_user=request.user)
    messages.success(request, _("The other device was removed. The link does not work there any more."))


def _end(request, seat, session):
    slots = _follow_up_slots(session)
    form = EndCallForm(request.POST, slots=slots)
    if not form.is_valid():
        raise CounterError(_("Choose an outcome to end the conversation."))
    data = form.cleaned_data
    follow_up = _book_follow_up(session, data["follow_up_slot"], request.user) if data["follow_up_slot"] else None
    sessions.end_call(
        session, request.user, outcome=data["outcome"] or Outcome.RESOLVED, notes=data["notes"], follow_up=follow_up
    )
    messages.success(request, _("The conversation has ended."))


def _follow_up_slots(session):
    if not session.service_id:
        return []
    today = seats.today()
    return free_slots(session.service, first_day=today, last_day=today + timedelta(days=14))[:40]


def _book_follow_up(session, start, clerk):
    appointment = session.appointment
    if appointment is None:
        raise CounterError(_("A follow-up needs an appointment with contact details."))
    citizen = booking.CitizenDetails(
        name=appointment.citizen_name,
        email=appointment.email,
        phone=appointment.phone,
        language=appointment.language,
        sms_consent=appointment.sms_consent,
    )
    return booking.book_appointment(
        session.service,
        start,
        citizen,
        channel=appointment.channel,
        booked_via=BookedVia.PHONE if session.channel == Channel.PHONE else BookedVia.DESK,
        booked_by=clerk,
        email_confirmed=appointment.email_confirmed,
    ).appointment


def _action(kind):
    def handler(request, seat, session):
        form = action_types()[kind].clerk_form(session, request.POST)
        if not form.is_valid():
            problems = error_text(form)
            raise CounterError(_("Check the form of the action.") + (f" {problems}" if problems else ""))
        try:
            create_action(session, kind, form.cleaned_data, by_user=request.user)
        except ActionNotAllowed as exc:
            raise CounterError(_("This action is not possible now.")) from exc

    return handler


def _open_action(request, session) -> InCallAction:
    action = get_object_or_404(InCallAction, pk=posted_id(request, "action"), session=session)
    if not action.is_open:
        raise CounterError(_("This request is closed."))
    return action


def _new_code(request, seat, session):
    """A fresh short code to read out (the previous one stops working)."""
    action = _open_action(request, session)
    kind = action_type(action.kind)
    if kind is None or not kind.handover:
        raise CounterError(_("This action cannot be handed over with a code."))
    code = handover.issue_code(action, by_user=request.user)
    messages.success(request, _("Code for the citizen: %(code)s") % {"code": handover.format_code(code)})


def _send_link(request, seat, session):
    """Send the action's link by SMS or e-mail (phone and chat channels)."""

    action = _open_action(request, session)
    kind = action_type(action.kind)
    if kind is None or not kind.handover:
        raise CounterError(_("This action cannot be handed over with a link."))
    to = request.POST.get("to", "")
    if not to.strip():
        raise CounterError(_("Fill in a mobile number or an e-mail address."))
    link = session_link(session, "take", handover.link_token(action))
    channel = handover.send_link(action, to, by_user=request.user, link=link)
    messages.success(request, _("The link was sent by SMS.") if channel == "sms" else _("The link was sent by e-mail."))


def _withdraw(request, seat, session):
    action = _open_action(request, session)
    if cancel(action, by_user=request.user):
        messages.success(request, _("The request was withdrawn. Its link and code no longer work."))


COMMANDS = {
    "start": _start,
    "message": _message,
    "no-show": _no_show,
    "guest": _guest,
    "revoke": _revoke,
    "device-admit": _admit_device,
    "device-guest": _admit_device_as_guest,
    "device-remove": _remove_device,
    "end": _end,
    "code": _new_code,
    "send-link": _send_link,
    "withdraw": _withdraw,
}


def command_for(name):
    """The console's own commands, "create an action of kind X", then the commands action types bring."""
    if name.startswith("action-"):
        kind = name.removeprefix("action-")
        return _action(kind) if kind in action_types() else None
    if name in COMMANDS:
        return COMMANDS[name]
    command = clerk_command(name)
    return (lambda request, seat, session: command(request, session)) if command else None
