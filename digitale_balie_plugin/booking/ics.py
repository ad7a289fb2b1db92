"""iCalendar (.ics) files for appointments (RFC 5545), so citizens get them in their agenda."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText


def appointment_calendar(appointment, *, join_url: str = "", manage_url: str = "", cancelled: bool = False) -> bytes:
    """One VEVENT with a stable UID, so a moved or cancelled appointment updates the same agenda item."""
    with translation.override(appointment.language):
        calendar = Calendar()
        calendar.add("prodid", "-//Digitale Balie//digitale_balie_plugin//NL")
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
        calendar.add_component(_event(appointment, join_url, manage_url, cancelled))
        return calendar.to_ical()


def _event(appointment, join_url: str, manage_url: str, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", f"{appointment.reference}@{appointment.site.hostname}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", int(appointment.updated_at.timestamp()) // 60 % 100000)
    event.add("summary", _("Appointment: %(service)s") % {"service": appointment.service.localized.name})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    lines = [_("Reference: %(reference)s") % {"reference": appointment.reference}]
    if join_url:
        event.add("url", join_url)
        event["location"] = vText(join_url)
        lines.append(_("Join the video call: %(url)s") % {"url": join_url})
    if manage_url:
        lines.append(_("Change or cancel: %(url)s") % {"url": manage_url})
    event.add("description", "\n".join(lines))
    return event
