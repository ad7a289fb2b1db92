"""Citizen side of the conversation: join link → cookie → waiting room → call → ended.

The join link's token is exchanged on first visit for an HttpOnly, SameSite cookie scoped to the
room's path, then the browser moves to a URL without the token, so it never sits in the address
bar, the history or a Referer header.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digitale_balie_plugin.booking.notifications import note_opened
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.access import access_or_404, cookie_name
from digitale_balie_plugin.calls.forms import GuestForm
from digitale_balie_plugin.calls.video import site_video_provider
from digitale_balie_plugin.calls.walk_in import CounterClosed, take_ticket
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import InvalidToken
from digitale_balie_plugin.integrations.video.base import Participant, ParticipantRole
from digitale_balie_plugin.links import route_url
from digitale_balie_plugin.models import ParticipantAccess
from digitale_balie_plugin.models.choices import current_language
from digitale_balie_plugin.ratelimit import hit
from digitale_balie_plugin.responses import invalid_link, render
from digitale_balie_plugin.room.forms import WalkInForm
from digitale_balie_plugin.room.state import citizen_state, upload_context
from digitale_balie_plugin.security import allow_frames


def _room_path(request, page, session_id) -> str:
    return route_url(request, page, "room", session_id)


def _enter(request, page, joined) -> HttpResponse:
    path = _room_path(request, page, joined.session.pk)
    response = HttpResponseRedirect(path)
    response.set_cookie(
        cookie_name(joined.session.pk),
        joined.cookie_token,
        path="/",
        expires=joined.access.expires_at,
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])  # a PUT or DELETE to a link joined the conversation too
def join(request, page, token):
    try:
        joined = sessions.join_with_link(token, page.get_site())
    except sessions.SessionClosed:
        return render(request, page, "room_ended.html", status=410)
    except InvalidToken:
        return invalid_link(request, page)
    note_opened(request, joined.session.appointment_id, page.get_site())
    return _enter(request, page, joined)


@require_http_methods(["GET", "HEAD", "POST"])
def join_guest(request, page, token):
    try:
        joined = sessions.join_as_guest(token, page.get_site())
    except InvalidToken:
        return invalid_link(request, page)
    return _enter(request, page, joined)


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
    except CounterClosed as exc:
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


def room(request, page, session_id):
    """The waiting room and, once the clerk starts, the call itself."""
    try:
        access = _access(request, page, session_id)
    except Http404:
        return invalid_link(request, page)
    session = access.session
    if not session.is_open and session.ended_at and session.links_valid_until < timezone.now():
        return render(request, page, "room_ended.html", status=410)
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


TEST_ROOM_MINUTES = 15


def test_room(request, page):
    """A personal test room, alone, before the real conversation: nothing stored, the token dies in 15 minutes."""
    from datetime import timedelta

    if not hit(request, "test-room", 5, 3600):
        return render(request, page, "too_many_requests.html", status=429)
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
