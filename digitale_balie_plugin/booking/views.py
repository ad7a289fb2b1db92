"""Citizen routes of the digital counter page: choose a time, give details, manage the booking.

Every route works as plain HTML forms (no JavaScript needed). Views stay thin: the booking
service layer does the work; errors it raises carry a translated message we show as is.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digitale_balie_plugin.booking import drafts, slot_pages
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots, slot_at
from digitale_balie_plugin.booking.forms import BotCheckForm, CitizenDetailsForm, SlotChoiceForm
from digitale_balie_plugin.booking.ics import appointment_calendar
from digitale_balie_plugin.booking.limits import DayFull, check_day_ceiling
from digitale_balie_plugin.booking.notifications import note_opened
from digitale_balie_plugin.booking.slot_pages import parse_days
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import CounterError, InvalidToken, SlotUnavailable
from digitale_balie_plugin.integrations.sms.base import format_phone_number
from digitale_balie_plugin.links import in_active_language, mark_join_ready, route_url
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
    """One page of days with free times: ``?from=<date>`` and ``?days=<n>`` (validated; bad values are ignored).

    The slots are computed once for the whole horizon (a fixed number of queries), whatever the days shown."""
    slots = free_slots(service, exclude_appointment_id=exclude_appointment_id)
    count = parse_days(request.GET.get("days"), app_settings.SLOT_DAYS_PER_PAGE)
    return {"slot_page": slot_pages.slot_page(slots, first=_first_day(request), count=count)}


@guarded
@require_http_methods(["GET", "HEAD"])
def choose_slot(request, page, service_slug):
    return _choose_slot_page(request, page, _service(page, service_slug))


def _choose_slot_page(request, page, service, *, error: str = "", status: int = 200):
    draft = drafts.load(request)
    context = {
        "service": service,
        "error": error,
        "form_action": route_url(request, page, "book_details", service.slug),
        "chosen_slot": draft.get("slot") if draft and draft.get("service") == service.slug else "",
    }
    context.update(slot_page(service, request))
    return render(request, page, "choose_slot.html", context, status=status)


@guarded
@require_http_methods(["GET", "HEAD", "POST"])
def details(request, page, service_slug):
    """Step 2: the citizen's details (prefilled with earlier answers); a valid POST leads to the check page."""
    service = _service(page, service_slug)
    if request.method == "POST":
        return _submit_details(request, page, service)
    choice = SlotChoiceForm(request.GET)
    if not choice.is_valid():
        return _choose_slot_page(request, page, service, error=_("Choose a time first."), status=400)
    if slot_at(service, choice.cleaned_data["slot"]) is None:
        return _choose_slot_page(request, page, service, error=str(SlotUnavailable.default_message), status=409)
    try:
        check_day_ceiling(service.canonical(), choice.cleaned_data["slot"])
    except DayFull as exc:  # say it now rather than after the citizen filled everything in
        return _choose_slot_page(request, page, service, error=str(exc.message), status=409)
    initial = {"language": request.LANGUAGE_CODE or "nl", **drafts.answers(drafts.load(request))}
    form = CitizenDetailsForm(service=service, initial={**initial, "slot": request.GET["slot"]})
    return _details_page(request, page, service, form, choice.cleaned_data["slot"])


def _details_page(request, page, service, form, start, status=200, *, bot_check=None, notice=""):
    context = {
        **_when(service, start),
        "service": service,
        "form": form,
        "bot_check": bot_check or BotCheckForm(),
        "notice": notice,
        "back_url": _back_to_slots(request, page, service),
    }
    return render(request, page, "details.html", context, status=status)


def _when(service, start) -> dict:
    local_start = timezone.localtime(start, app_settings.TIME_ZONE) if start else None
    return {
        "start": local_start,
        "end": local_start + timedelta(minutes=service.duration_minutes) if local_start else None,
    }


def _back_to_slots(request, page, service, start=None) -> str:
    url = route_url(request, page, "book", service.slug)
    return f"{url}?from={timezone.localtime(start, app_settings.TIME_ZONE):%Y-%m-%d}" if start else url


def _submit_details(request, page, service):
    attempts, window = app_settings.BOOKING_RATE_LIMIT
    if not hit(request, "booking", attempts, window):
        return too_many_requests(request, page)
    form = CitizenDetailsForm(request.POST, service=service)
    bot_check = BotCheckForm(request.POST)
    if not bot_check.is_valid():  # shown again, calmly: a person sends it once more, a script learns nothing
        form.is_valid()  # the answers' own errors show too
        start, notice = form.cleaned_data.get("slot"), bot_check.NOTICE  # a NUL in the trap is a field error
        return _details_page(request, page, service, form, start, bot_check=bot_check.next_try(), notice=notice)
    if not form.is_valid():
        return _details_page(request, page, service, form, form.cleaned_data.get("slot"), status=400)
    drafts.save(request, service.slug, request.POST)
    return HttpResponseRedirect(route_url(request, page, "book_check", service.slug), status=303)


@guarded
@require_http_methods(["GET", "HEAD", "POST"])
def check(request, page, service_slug):
    """Step 3: "check your details", each with a link to change it; its POST books (safe to repeat)."""
    service = _service(page, service_slug)
    key = request.POST.get("key", "")
    if request.method == "POST" and key and (done := drafts.booked_before(key, wait=0)):
        return HttpResponseRedirect(done, status=303)  # booked already (a reload, a second click)
    draft = drafts.load(request)
    if not draft or draft.get("service") != service.slug:
        messages.error(request, _("We lost your details. Please choose a time again."))
        return HttpResponseRedirect(route_url(request, page, "book", service.slug), status=303)
    form = CitizenDetailsForm(draft, service=service)
    if not form.is_valid():  # e.g. a channel this service does not offer: back to the form, with its errors
        return _details_page(request, page, service, form, form.cleaned_data.get("slot"), status=400)
    if request.method == "POST" and key == draft["key"]:
        return _book(request, page, service, form, key)
    return render(request, page, "check.html", _check_context(request, page, service, form, draft))


def _check_context(request, page, service, form, draft) -> dict:
    details_url = route_url(request, page, "book_details", service.slug) + "?" + urlencode({"slot": draft["slot"]})
    return {
        **_when(service, form.cleaned_data["slot"]),
        "service": service,
        "form": form,
        "key": draft["key"],
        "details_url": details_url,
        "slots_url": _back_to_slots(request, page, service, form.cleaned_data["slot"]),
        "services_url": in_active_language(page.get_url(request)),
        "channel_label": dict(form.fields["channel"].choices).get(form.cleaned_data["channel"]),
        "language_label": dict(form.fields["language"].choices).get(form.cleaned_data["language"]),
        "phone": format_phone_number(form.cleaned_data["phone"]) if form.cleaned_data["phone"] else "",
    }


def _book(request, page, service, form, key):
    if not drafts.start_booking(key):  # a second POST of the same answers: where the first one led
        return HttpResponseRedirect(drafts.booked_before(key) or route_url(request, page, "book", service.slug), 303)
    data = form.cleaned_data
    try:
        result = booking.book_appointment(service, data["slot"], form.citizen(), channel=data["channel"])
    except (SlotUnavailable, DayFull) as exc:
        drafts.release(key)  # the answers stay: after choosing another time, they are filled in again
        return _choose_slot_page(request, page, service, error=str(exc.message), status=409)
    confirmation_url = route_url(request, page, "confirmation", result.manage_token)
    drafts.booked(key, confirmation_url)
    drafts.forget(request)
    return HttpResponseRedirect(confirmation_url, status=303)


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
@require_http_methods(["GET", "HEAD"])
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
    """From the manage page to the video call: a fresh join link, used at once (this POST asked for it, so
    the join route swaps it for the room's cookie without a second button). A citizen who only has the link
    from their SMS or e-mail confirmation can join."""
    appointment = _appointment(page, token)
    if not (appointment.is_video and appointment.status == AppointmentStatus.BOOKED):
        messages.error(request, _("This appointment has no video call."))
        return HttpResponseRedirect(route_url(request, page, "manage", token))
    join_token = appointment.issue_token(AccessToken.Purpose.JOIN)
    mark_join_ready(request, join_token)
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
@require_http_methods(["GET", "HEAD"])
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


@require_http_methods(["GET", "HEAD"])
def device_test(request, page):
    return render(request, page, "device_test.html", {"test_room_url": route_url(request, page, "test_room")})
