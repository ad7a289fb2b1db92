"""Clerk screens in the Wagtail admin: book on behalf of a citizen who phoned or came to the desk, and cancel a
flood of fake bookings at once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from digitale_balie_plugin.booking import bulk_cancel
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.booking.forms import CancelFloodForm, ClerkBookingForm, FloodForm
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import SlotUnavailable
from digitale_balie_plugin.integrations.sms.base import format_phone_number
from digitale_balie_plugin.models import Service
from digitale_balie_plugin.models.choices import BookedVia

PERMISSION = "digitale_balie.book_on_behalf"


def book_on_behalf(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    services = Service.objects.active().select_related("site").order_by("site__site_name", "sort_order", "name")
    service_id = request.POST.get("service") or request.GET.get("service")
    if not service_id or not str(service_id).isdigit():
        return TemplateResponse(request, "digitale_balie/admin/book_choose_service.html", {"services": services})
    service = get_object_or_404(services, pk=service_id)
    slots = _upcoming_slots(service)
    form = ClerkBookingForm(
        request.POST or None, service=service, slots=slots, initial={"language": "nl", "booked_via": BookedVia.PHONE}
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = _book(request, service, form)
        except SlotUnavailable as exc:
            form.add_error("slot", exc.message)
        else:
            messages.success(request, _booked_message(result.appointment))
            return redirect("digitale_balie_book_on_behalf")
    return TemplateResponse(
        request, "digitale_balie/admin/book_on_behalf.html", {"service": service, "form": form, "services": services}
    )


def _booked_message(appointment) -> str:
    if appointment.reached_by_sms:
        return _("Appointment %(reference)s is booked. The confirmation and the link go by SMS to %(number)s.") % {
            "reference": appointment.reference,
            "number": format_phone_number(appointment.phone),
        }
    return _("Appointment %(reference)s is booked. The citizen gets an e-mail to confirm the address.") % {
        "reference": appointment.reference
    }


def _upcoming_slots(service):
    today = timezone.localdate(timezone=app_settings.TIME_ZONE)
    return free_slots(service, first_day=today, last_day=today + timedelta(days=min(service.horizon_days, 21)))


def _book(request, service, form):
    data = form.cleaned_data
    return booking.book_appointment(
        service,
        data["slot"],
        form.citizen(),
        channel=data["channel"],
        booked_via=data["booked_via"],
        booked_by=request.user,
    )


#: How many of the chosen bookings the preview lists (the count covers them all).
PREVIEW_ROWS = 50


@require_http_methods(["GET", "HEAD", "POST"])
def cancel_flood(request):
    """GET chooses and previews (changes nothing); POST cancels what the preview showed, if it still is that."""
    if not request.user.has_perm(bulk_cancel.PERMISSION):
        raise PermissionDenied
    services = bulk_cancel.services_of(request.user)
    if request.method == "POST":
        return _confirm_flood(request, services)
    form = FloodForm(request.GET or None, services=services)
    return _flood_page(request, form, services, status=400 if form.is_bound and not form.is_valid() else 200)


def _confirm_flood(request, services):
    choice = FloodForm(request.POST, services=services)
    confirm = CancelFloodForm(request.POST, services=services)
    if not confirm.is_valid():  # a missing reason is said on the form; anything else gets a fresh one
        shown = confirm if set(confirm.errors) <= {"reason"} else None
        return _flood_page(request, choice, services, confirm=shown, status=400)
    flood = confirm.flood()
    count = bulk_cancel.bookings(request.user, flood).count()
    if count != confirm.cleaned_data["expected"]:
        messages.warning(request, _("The choice changed meanwhile: check the bookings below and confirm again."))
        again = CancelFloodForm(initial={**confirm.cleaned_data, "expected": count}, services=services)
        return _flood_page(request, choice, services, confirm=again)
    cancelled = bulk_cancel.cancel_flood(request.user, flood, reason=confirm.cleaned_data["reason"])
    messages.success(
        request,
        ngettext(
            "%(count)s booking is cancelled. The citizen gets the usual message.",
            "%(count)s bookings are cancelled. The citizens get the usual message.",
            cancelled,
        )
        % {"count": cancelled},
    )
    return redirect("digitale_balie_cancel_flood")


def _flood_page(request, form, services, *, confirm=None, status=200):
    """The choice (a GET form), and once it is valid the bookings it matches with the form that cancels them."""
    context = {"form": form}
    if form.is_bound and form.is_valid():
        rows = bulk_cancel.bookings(request.user, form.flood())
        count = rows.count()
        confirm = confirm or CancelFloodForm(initial={**form.cleaned_data, "expected": count}, services=services)
        context.update(count=count, preview=rows.select_related("seat")[:PREVIEW_ROWS], confirm=confirm)
    return TemplateResponse(request, "digitale_balie/admin/cancel_flood.html", context, status=status)
