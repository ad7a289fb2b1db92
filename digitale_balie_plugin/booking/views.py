"""Citizen routes of the digital counter page: choose a time, give details, manage the booking.

Every route works as plain HTML forms (no JavaScript needed). Views stay thin: the booking
service layer does the work; errors it raises carry a translated message we show as is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import days_with_slots, free_slots, slot_at
from digitale_balie_plugin.booking.forms import CitizenDetailsForm, SlotChoiceForm
from digitale_balie_plugin.booking.ics import appointment_calendar
from digitale_balie_plugin.booking.notifications import note_opened
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import CounterError, InvalidToken, SlotUnavailable
from digitale_balie_plugin.links import route_url
from digitale_balie_plugin.models import AccessToken
from digitale_balie_plugin.models.choices import AppointmentStatus
from digitale_balie_plugin.ratelimit import hit
from digitale_balie_plugin.responses import guarded, invalid_link, render, too_many_requests

# --- booking ---------------------------------------------------------------------------------


def _service(page, slug):
    return get_object_or_404(page.get_bookable_services(), slug=slug)


def _first_day(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return None


def slot_page(service, request, *, exclude_appointment_id=None) -> dict:
    """Slots of one page of days (``SLOT_DAYS_PER_PAGE`` days that have free times)."""
    days = days_with_slots(free_slots(service, exclude_appointment_id=exclude_appointment_id))
    start = _first_day(request)
    index = next((i for i, (day, _slots) in enumerate(days) if start and day >= start), 0)
    per_page = app_settings.SLOT_DAYS_PER_PAGE
    shown = days[index : index + per_page]
    return {
        "days": shown,
        "next_day": days[index + per_page][0] if len(days) > index + per_page else None,
        "previous_day": days[max(index - per_page, 0)][0] if index > 0 else None,
    }


@guarded
@require_http_methods(["GET", "HEAD"])
def choose_slot(request, page, service_slug):
    return _choose_slot_page(request, page, _service(page, service_slug))


def _choose_slot_page(request, page, service, *, error: str = "", status: int = 200):
    context = {
        "service": service,
        "error": error,
        "form_action": route_url(request, page, "book_details", service.slug),
    }
    context.update(slot_page(service, request))
    return render(request, page, "choose_slot.html", context, status=status)


@guarded
@require_http_methods(["GET", "HEAD", "POST"])
def details(request, page, service_slug):
    service = _service(page, service_slug)
    if request.method == "POST":
        return _submit_booking(request, page, service)
    choice = SlotChoiceForm(request.GET)
    if not choice.is_valid():
        return _choose_slot_page(request, page, service, error=_("Choose a time first."), status=400)
    if slot_at(service, choice.cleaned_data["slot"]) is None:
        return _choose_slot_page(request, page, service, error=str(SlotUnavailable.default_message), status=409)
    form = CitizenDetailsForm(
        service=service, initial={"slot": request.GET["slot"], "language": request.LANGUAGE_CODE or "nl"}
    )
    return _details_page(request, page, service, form, choice.cleaned_data["slot"])


def _details_page(request, page, service, form, start, status=200):
    local_start = timezone.localtime(start, app_settings.TIME_ZONE) if start else None
    return render(
        request,
        page,
        "details.html",
        {
            "service": service,
            "form": form,
            "start": local_start,
            "end": local_start + timedelta(minutes=service.duration_minutes) if local_start else None,
            "back_url": route_url(request, page, "book", service.slug),
        },
        status=status,
    )


def _submit_booking(request, page, service):
    attempts, window = app_settings.BOOKING_RATE_LIMIT
    if not hit(request, "booking", attempts, window):
        return too_many_requests(request, page)
    form = CitizenDetailsForm(request.POST, service=service)
    if not form.is_valid():
        return _details_page(request, page, service, form, form.cleaned_data.get("slot"), status=400)
    data = form.cleaned_data
    try:
        result = booking.book_appointment(service, data["slot"], form.citizen(), channel=data["channel"])
    except SlotUnavailable as exc:
        return _choose_slot_page(request, page, service, error=str(exc.message), status=409)
    return HttpResponseRedirect(route_url(request, page, "confirmation", result.manage_token))


# --- after booking ---------------------------------------------------------------------------


def _appointment(page, token, purpose=AccessToken.Purpose.MANAGE):
    """The appointment of a valid link, on this page's own site only (a link never crosses municipalities)."""
    try:
        appointment = booking.appointment_for_token(token, purpose)
    except InvalidToken:
        raise Http404 from None
    if appointment.site_id != page.get_site().pk:
        raise Http404
    return appointment


@guarded
def confirmation(request, page, token):
    appointment = _appointment(page, token)
    return render(request, page, "confirmation.html", _manage_context(request, page, appointment, token))


def _manage_context(request, page, appointment, token) -> dict:
    return {
        "appointment": appointment,
        "manage_url": route_url(request, page, "manage", token),
        "cancel_url": route_url(request, page, "cancel", token),
        "reschedule_url": route_url(request, page, "reschedule", token),
        "ics_url": route_url(request, page, "ics", token),
        "device_test_url": route_url(request, page, "device_test"),
        "join_url": route_url(request, page, "manage_join", token),
    }


@guarded
@require_http_methods(["GET", "HEAD"])
def manage(request, page, token):
    appointment = _appointment(page, token)
    note_opened(request, appointment.pk, appointment.site)
    return render(request, page, "manage.html", _manage_context(request, page, appointment, token))


@guarded
@require_POST
def join_call(request, page, token):
    """From the manage page to the video call: a fresh join link, used at once (the join route swaps it for
    the room's cookie). A citizen who only has the link from their SMS or e-mail confirmation can join."""
    appointment = _appointment(page, token)
    if not (appointment.is_video and appointment.status == AppointmentStatus.BOOKED):
        messages.error(request, _("This appointment has no video call."))
        return HttpResponseRedirect(route_url(request, page, "manage", token))
    join_token = appointment.issue_token(AccessToken.Purpose.JOIN)
    return HttpResponseRedirect(route_url(request, page, "join", join_token))


def _say_sent(request, appointment, *, by_sms: str, by_email: str) -> None:
    """Confirm a change, naming the channel its message went by (SMS for a citizen booked without e-mail)."""
    messages.success(request, by_sms if appointment.reached_by_sms else by_email)


@guarded
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, page, token):
    appointment = _appointment(page, token)
    if request.method == "POST":
        try:
            booking.cancel_appointment(appointment)
        except CounterError as exc:
            messages.error(request, exc.message)
        else:
            _say_sent(
                request,
                appointment,
                by_sms=_("Your appointment is cancelled. We sent you an SMS."),
                by_email=_("Your appointment is cancelled. We sent you an e-mail."),
            )
        return HttpResponseRedirect(route_url(request, page, "manage", token))
    return render(request, page, "cancel.html", _manage_context(request, page, appointment, token))


@guarded
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request, page, token):
    appointment = _appointment(page, token)
    error, status = "", 200
    if not appointment.is_changeable:
        messages.error(request, _("This appointment can no longer be changed."))
        return HttpResponseRedirect(route_url(request, page, "manage", token))
    if request.method == "POST":
        form = SlotChoiceForm(request.POST)
        if form.is_valid():
            try:
                booking.reschedule_appointment(appointment, form.cleaned_data["slot"])
            except CounterError as exc:
                error, status = str(exc.message), 409
            else:
                _say_sent(
                    request,
                    appointment,
                    by_sms=_("Your appointment has moved. We sent you an SMS."),
                    by_email=_("Your appointment has moved. We sent you an e-mail."),
                )
                return HttpResponseRedirect(route_url(request, page, "manage", token))
        else:
            error, status = _("Choose a time from the list."), 400
    context = _manage_context(request, page, appointment, token)
    context.update(slot_page(appointment.service, request, exclude_appointment_id=appointment.pk))
    context.update({"service": appointment.service, "error": error})
    return render(request, page, "reschedule.html", context, status=status)


@guarded
def download_ics(request, page, token):
    appointment = _appointment(page, token)
    note_opened(request, appointment.pk, appointment.site)
    ics = appointment_calendar(
        appointment,
        manage_url=request.build_absolute_uri(route_url(request, page, "manage", token)),
        cancelled=appointment.status == "cancelled",
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="afspraak-{appointment.reference}.ics"'
    return response


@guarded
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, page, token):
    """GET shows a button, POST confirms: mail scanners that open links must not use them up."""
    appointment = _appointment(page, token, AccessToken.Purpose.CONFIRM_EMAIL)
    note_opened(request, appointment.pk, appointment.site)
    if request.method == "POST":
        try:
            appointment = booking.confirm_email(token)
        except InvalidToken:
            return invalid_link(request, page)
        return render(request, page, "email_confirmed.html", {"appointment": appointment})
    return render(request, page, "confirm_email.html", {"action": route_url(request, page, "confirm_email", token)})


def device_test(request, page):
    return render(request, page, "device_test.html", {"test_room_url": route_url(request, page, "test_room")})
