"""Citizen side of the conversation: join link → "Go to the waiting room" → cookie → waiting room → call → ended.

Opening a join or guest link changes nothing: mail and SMS link scanners open every link they see, and
the first browser in becomes the citizen's device. The link's page asks to continue; that POST exchanges
the token for the room's HttpOnly cookie (``calls.access``) and moves the browser to a URL without the
token, so it never sits in the address bar, the history or a Referer header.
"""

from __future__ import annotations

from functools import partial

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from digitale_balie_plugin.booking.notifications import note_opened
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.access import access_or_404, held_cookie, set_room_cookie
from digitale_balie_plugin.calls.devices import describe
from digitale_balie_plugin.calls.forms import GuestForm
from digitale_balie_plugin.calls.video import site_video_provider
from digitale_balie_plugin.calls.walk_in import CounterClosed, QueueFull, take_ticket
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import InvalidToken
from digitale_balie_plugin.integrations.video.base import Participant, ParticipantRole
from digitale_balie_plugin.links import join_ready, route_url
from digitale_balie_plugin.models import CallSession, ParticipantAccess, SessionStatus
from digitale_balie_plugin.models.choices import current_language
from digitale_balie_plugin.responses import invalid_link, rate_limited, render
from digitale_balie_plugin.room.forms import WalkInForm
from digitale_balie_plugin.room.state import citizen_state, upload_context
from digitale_balie_plugin.security import allow_frames


def _room_path(request, page, session_id) -> str:
    return route_url(request, page, "room", session_id)


def _enter(request, page, joined) -> HttpResponse:
    response = HttpResponseRedirect(_room_path(request, page, joined.session.pk))
    set_room_cookie(response, request, joined.session.pk, joined.cookie_token, joined.access.expires_at)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _link_page(request, page, context) -> HttpResponse:
    """The page a join or guest link opens: what it is for and one button. The token stays on this site
    ("no-referrer" would make the button's POST come from origin "null", which the CSRF check refuses)."""
    response = render(request, page, "join.html", context)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("join", lambda: app_settings.JOIN_RATE_LIMIT)
def join(request, page, token):
    site, held = page.get_site(), partial(held_cookie, request)
    ready = request.method == "GET" and join_ready(request, token)  # the manage page's Join button, a POST
    if request.method != "POST" and not ready:
        appointment = sessions.appointment_for_join(token, site)
        if appointment is None:
            return invalid_link(request, page)
        session = CallSession.objects.filter(appointment=appointment).first()
        if session is not None and not session.is_open:
            return render(request, page, "room_ended.html", status=410)
        note_opened(request, appointment.pk, site)  # a read mark for the clerk ("opened"), no grant
        if session is not None and sessions.access_for(session.pk, held(session.pk)):  # this browser is in
            return HttpResponseRedirect(_room_path(request, page, session.pk))
        return _link_page(request, page, {"appointment": appointment})
    try:
        joined = sessions.join_with_link(token, site, held=held, device=describe(request.headers.get("User-Agent", "")))
    except sessions.SessionClosed:
        return render(request, page, "room_ended.html", status=410)
    except InvalidToken:
        return invalid_link(request, page)
    return _enter(request, page, joined)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("join", lambda: app_settings.JOIN_RATE_LIMIT)
def join_guest(request, page, token):
    site, held = page.get_site(), partial(held_cookie, request)
    if request.method != "POST":
        guest = sessions.guest_link(token, site)
        if guest is None:
            return invalid_link(request, page)
        if sessions.access_for(guest.session_id, held(guest.session_id)):
            return HttpResponseRedirect(_room_path(request, page, guest.session_id))
        return _link_page(request, page, {"guest": guest})
    try:
        joined = sessions.join_as_guest(token, site, held=held)
    except InvalidToken:
        return invalid_link(request, page)
    return _enter(request, page, joined)


@rate_limited("walk-in", lambda: app_settings.WALK_IN_RATE_LIMIT)
def walk_in(request, page):
    """Take a virtual ticket (POST from the walk-in block) and enter the waiting room."""
    services = page.get_bookable_services().filter(offers_video=True)
    if request.method != "POST":
        return HttpResponseRedirect(page.get_url(request))
    form = WalkInForm(request.POST, services=services)
    if not form.is_valid():
        return render(request, page, "walk_in.html", {"form": form}, status=400)
    try:
        joined = take_ticket(
            form.cleaned_data["service"],
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            language=current_language(),
        )
    except (CounterClosed, QueueFull) as exc:
        return render(request, page, "walk_in.html", {"form": form, "closed": exc.message}, status=409)
    return _enter(request, page, joined)


def invite_guest(request, page, session_id):
    """The citizen invites an interpreter or carer: the guest link is shown once, on the citizen's page."""
    try:
        access = _access(request, page, session_id)
    except Http404:
        return invalid_link(request, page)
    form = GuestForm(request.POST or None)
    context = {"session": access.session, "form": form, "room_url": _room_path(request, page, session_id)}
    if request.method == "POST" and form.is_valid() and access.role == ParticipantAccess.Role.CITIZEN:
        try:
            raw = sessions.invite_guest(access.session, form.cleaned_data["name"])
        except sessions.SessionClosed:
            return render(request, page, "room_ended.html", status=410)
        context["guest_url"] = request.build_absolute_uri(route_url(request, page, "guest", raw))
    return render(request, page, "invite_guest.html", context, status=400 if form.errors else 200)


def _access(request, page, session_id):
    return access_or_404(request, session_id, page.get_site().pk)


@require_safe
def room(request, page, session_id):
    """The waiting room and, once the clerk starts, the call itself."""
    try:
        access = access_or_404(request, session_id, page.get_site().pk, admitted=False)
    except Http404:
        return invalid_link(request, page)
    session = access.session
    if session.status == SessionStatus.CANCELLED:
        return render(request, page, "room_cancelled.html", status=410)
    if not session.is_open and session.ended_at and session.links_valid_until < timezone.now():
        return render(request, page, "room_ended.html", status=410)
    if not access.admitted:
        return _device_waiting(request, page, session)
    provider = site_video_provider(session.site)
    response = render(
        request,
        page,
        "room.html",
        {
            "session": session,
            "access": access,
            "state": citizen_state(access),
            "state_url": reverse("digitale_balie:room_state", args=[session.pk]),
            "heartbeat_url": reverse("digitale_balie:room_heartbeat", args=[session.pk]),
            "action_url": reverse("digitale_balie:room_action", args=[session.pk, 0]).replace("/0/", "/{id}/"),
            "device_test_url": route_url(request, page, "device_test"),
            "feedback_url": route_url(request, page, "feedback", session.pk),
            "summary_url": route_url(request, page, "summary_room", session.pk),
            "features": app_settings.FEATURES,
            **upload_context(session),
        },
    )
    response["Referrer-Policy"] = "same-origin"
    return allow_frames(response, provider.frame_origins())


def _device_waiting(request, page, session) -> HttpResponse:
    """A second device opened the citizen's link: it waits, seeing nothing of the conversation, until the
    clerk lets it in (the page reloads into the room) or removes it."""
    context = {"session": session, "state_url": reverse("digitale_balie:room_state", args=[session.pk])}
    response = render(request, page, "room_device.html", context)
    response["Cache-Control"] = "no-store"
    return response


TEST_ROOM_MINUTES = 15
#: Personal test rooms one client may open: each mints a video token.
TEST_ROOM_LIMIT = (5, 3600)


@require_safe
@rate_limited("test-room", TEST_ROOM_LIMIT, methods=None)
def test_room(request, page):
    """A personal test room, alone, before the real conversation: nothing stored, the token dies in 15 minutes."""
    from datetime import timedelta

    provider = site_video_provider(page.get_site())
    participant = Participant(display_name=_("Test"), role=ParticipantRole.CITIZEN, participant_id="test")
    access = provider.room_access(
        provider.new_room_name(), participant, not_after=timezone.now() + timedelta(minutes=TEST_ROOM_MINUTES)
    )
    response = render(
        request,
        page,
        "test_room.html",
        {"call": access.to_json(), "device_test_url": route_url(request, page, "device_test")},
    )
    return allow_frames(response, provider.frame_origins())
