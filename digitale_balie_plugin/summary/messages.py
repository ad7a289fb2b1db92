"""The one message with the summary, sent after the conversation ends, in the citizen's language.

By e-mail when we have an address we may write to (confirmed, or typed by the citizen at the walk-in desk);
otherwise by SMS with a short link; nothing when we have neither (the end page still offers the summary).
Exactly once: the message is claimed first (a ``Notification`` row with the unique key ``summary:<session>``),
so a rerun of the task, or a second worker, sends nothing; a failed e-mail is retried a few times like the
appointment messages. The row is what the clerk and the admin see.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from digitale_balie_plugin.booking.notifications import claim_key, deliver_email, deliver_sms, finish
from digitale_balie_plugin.links import appointment_links, citizen_url, with_marker
from digitale_balie_plugin.models import CallSession, CounterSettings, Notification, SummaryLink
from digitale_balie_plugin.models.calls import SessionStatus
from digitale_balie_plugin.summary import content

Channel = Notification.Channel


def recipient(session: CallSession, site_settings: CounterSettings) -> tuple[str, str]:
    """``(channel, address)`` the summary goes to, or ``("", "")``.

    An e-mail address a clerk took down and the citizen never confirmed may be a stranger's: it gets no
    documents, the phone number does (as for the appointment's own messages)."""
    appointment = session.appointment
    if appointment is not None:
        if appointment.personal_data_deleted_at:
            return "", ""
        email = appointment.email if appointment.email_confirmed else ""
        phone = appointment.phone
    else:
        email, phone = (session.contact, "") if "@" in session.contact else ("", session.contact)
    if email:
        return Channel.EMAIL, email
    if phone and site_settings.sms_enabled:
        return Channel.SMS, phone
    return "", ""


def send_summary(session_pk: int) -> str:
    """Send the summary of an ended conversation; returns the channel used, ``""`` when nothing was sent."""
    session = (
        CallSession.objects.select_related("site", "service", "appointment", "clerk", "follow_up")
        .filter(pk=session_pk, status=SessionStatus.ENDED, started_at__isnull=False)
        .first()
    )
    if session is None:
        return ""
    site_settings = CounterSettings.for_site(session.site)
    channel, to = recipient(session, site_settings)
    if not channel:
        return ""
    notification = claim_key(
        f"summary:{session.pk}",
        kind=Notification.Kind.SUMMARY,
        channel=channel,
        session=session,
        appointment=session.appointment,
    )
    if notification is None:
        return ""
    with translation.override(session.citizen_language(site_settings.default_language)):
        raw, link = SummaryLink.issue(session, site_settings.document_retention_days, short=channel == Channel.SMS)
        marker = notification.pk if site_settings.mark_opened_links else None
        url = with_marker(citizen_url(session.site, "summary", raw), marker)
        if not url:
            finish(notification, error=Exception("The site has no digital counter page."), retry=False)
            return ""
        summary = content.build(session)
        if channel == Channel.SMS:
            sent = deliver_sms(notification, to, _sms_body(summary, url), session.site)
        else:
            sent = deliver_email(notification, lambda: _email(summary, url, link, to, site_settings))
    return channel if sent else ""


def _sms_body(summary: content.Summary, url: str) -> str:
    return _("%(municipality)s: the summary of your conversation of %(date)s, with your documents: %(link)s") % {
        "municipality": summary.municipality,
        "date": summary.day.strftime("%d/%m"),
        "link": url,
    }


def _email(summary: content.Summary, url: str, link: SummaryLink, to: str, site_settings: CounterSettings):
    follow_up = summary.follow_up
    context = {
        "summary": summary,
        "url": url,
        "subject": _("%(municipality)s: summary of your conversation") % {"municipality": summary.municipality},
        "language": translation.get_language(),
        "manage_url": appointment_links(follow_up, join=False)["manage_url"] if follow_up else "",
        "valid_until": link.expires_at,
    }
    message = site_settings.email(
        context["subject"], render_to_string("digitale_balie/email/summary.txt", context), [to]
    )
    message.attach_alternative(render_to_string("digitale_balie/email/summary.html", context), "text/html")
    return message
