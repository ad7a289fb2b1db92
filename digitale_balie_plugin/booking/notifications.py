"""E-mails and SMS about appointments, sent at most once each.

A message is first *claimed* (a ``Notification`` row with a unique ``dedupe_key``), then sent.
A rerun finds the claim and sends nothing; a failed send may be retried a few times by claiming the
row again with a conditional update (only one worker can win it).

A worker killed between the claim and the outcome (SIGKILL, a lost machine) leaves the claim "being
sent". The reminder sweep hands such claims back after ``NOTIFICATION_STALE_SENDING`` and sends them
again. Whether the killed worker's message left is unknowable, so every e-mail carries a Message-ID
derived from its claim: a second copy of the same message has the same id, and mail systems and
clients show it once. That is as close to exactly once as SMTP allows (docs/operator.md, "Faults").
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digitale_balie_plugin.booking.ics import appointment_calendar
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import IntegrationError
from digitale_balie_plugin.integrations.sms.base import (
    DeliveryReport,
    DeliveryStatus,
    SmsMessage,
    SmsRejected,
    normalize_phone_number,
)
from digitale_balie_plugin.integrations.sms.registry import get_sms_provider
from digitale_balie_plugin.links import OPENED_PARAMETER, appointment_links, citizen_url, sms_link, with_marker
from digitale_balie_plugin.models import AccessToken, Appointment, CounterSettings, Notification
from digitale_balie_plugin.models.choices import AppointmentStatus

logger = logging.getLogger("digitale_balie.notifications")

MAX_ATTEMPTS = 3
Kind = Notification.Kind


def claim(appointment: Appointment, kind: str, channel: str, to: str = "") -> Notification | None:
    """Atomically claim the right to send one message to ``to``; ``None`` when it is (being) sent already."""
    key = f"{appointment.pk}:{kind}:{channel}:{appointment.start:%Y%m%dT%H%M}"
    return claim_key(key, appointment=appointment, kind=kind, channel=channel, recipient_hash=recipient_hash(to))


def claim_key(key: str, **fields) -> Notification | None:
    """Claim the message ``key`` (a new row with ``fields``, or a failed one to retry); ``None``: not yours."""
    try:
        with transaction.atomic():
            return Notification.objects.create(dedupe_key=key, **fields)
    except IntegrityError:
        won = Notification.objects.filter(
            dedupe_key=key, status=Notification.Status.FAILED, attempts__lt=MAX_ATTEMPTS
        ).update(status=Notification.Status.SENDING, attempts=F("attempts") + 1)
        return Notification.objects.get(dedupe_key=key) if won else None


def release_stale(now=None) -> list[tuple[int, str]]:
    """Hand back claims a killed worker left "being sent"; returns ``(appointment id, kind)`` to send again.

    The conditional update makes this safe to run on several clusters at once: a row is released once."""
    cutoff = (now or timezone.now()) - app_settings.NOTIFICATION_STALE_SENDING
    stale = Notification.objects.filter(status=Notification.Status.SENDING, updated_at__lt=cutoff)
    pks = list(stale.values_list("pk", flat=True))
    if not pks:
        return []
    released = Notification.objects.filter(pk__in=pks, status=Notification.Status.SENDING).update(
        status=Notification.Status.FAILED, error="The worker stopped while sending.", updated_at=timezone.now()
    )
    logger.warning("Handed back %s message(s) a stopped worker left half-sent.", released)
    return list(
        Notification.objects.filter(pk__in=pks, appointment__isnull=False)
        .values_list("appointment_id", "kind")
        .distinct()
    )


def message_id(notification: Notification, from_email: str) -> str:
    """The same Message-ID each time this claim is sent: a copy sent again after a crash is one message.

    Built from a keyed hash of the claim (nothing personal in a header), at the sender's domain — not the
    host name, which differs between app servers and workers."""
    digest = salted_hmac("digitale_balie.notification.message-id", notification.dedupe_key, algorithm="sha256")
    domain = from_email.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{digest.hexdigest()[:40]}.balie@{domain}>"


def finish(notification: Notification, *, error: Exception | None = None, retry: bool = True, **fields) -> None:
    if error is None:
        notification.status = Notification.Status.SENT
        # One line per message (ids only): with the request id the task carries, the log ties it to its cause.
        logger.info("Sent %s by %s (notification %s).", notification.kind, notification.channel, notification.pk)
    else:
        retryable = retry and notification.attempts < MAX_ATTEMPTS
        notification.status = Notification.Status.FAILED if retryable else Notification.Status.GAVE_UP
        notification.error = str(error)[:300]
    for name, value in fields.items():
        setattr(notification, name, value)
    notification.save()


# --- a daily limit per recipient ---------------------------------------------------------------
#
# Every booking mails whatever address was typed, so a flood of bookings could bury one person in mail or
# run up an SMS bill. At most ``NOTIFICATIONS_PER_RECIPIENT_PER_DAY`` messages go to one address or number in
# 24 hours; the next ones are not sent and keep the status ``LIMITED``, with the reason, for staff to see.
# What must never be hidden is neither held nor counted:
# - the summary of a conversation (and payment receipts and feedback invitations, which do not pass here):
#   they follow a real conversation;
# - a cancellation, unless everything sent about that appointment before was held back too (then the
#   citizen never heard of it: a flood cancelled by staff does not mail its victim once more per booking).

#: Kinds sent whatever the count, and left out of it.
UNLIMITED_KINDS = (Kind.SUMMARY, Kind.CANCELLED)
#: Statuses that count as a message sent (or on its way) to the recipient.
COUNTED_STATUSES = (Notification.Status.SENDING, Notification.Status.SENT, Notification.Status.FAILED)


def recipient_hash(to: str) -> str:
    """A keyed hash of an address or number: enough to count messages, no personal data kept twice."""
    if not to:
        return ""
    return salted_hmac("digitale_balie.notification.recipient", to.strip().lower(), algorithm="sha256").hexdigest()


def held_back(notification: Notification) -> bool:
    """Whether a claimed message must not be sent (the recipient's daily limit); marks it ``LIMITED`` if so."""
    if notification.kind == Kind.SUMMARY or not notification.recipient_hash:
        return False
    if notification.kind == Kind.CANCELLED:
        held = _never_told(notification)
        reason = "Not sent: every earlier message about this appointment was held back by the daily limit."
    else:
        limit = app_settings.NOTIFICATIONS_PER_RECIPIENT_PER_DAY
        held = _sent_today(notification) >= limit
        reason = f"Not sent: {limit} messages to this recipient in 24 hours (NOTIFICATIONS_PER_RECIPIENT_PER_DAY)."
    if held:
        logger.warning("Notification %s held back: %s", notification.dedupe_key, reason)
        notification.status, notification.error = Notification.Status.LIMITED, reason
        notification.save(update_fields=["status", "error", "updated_at"])
    return held


def _sent_today(notification: Notification) -> int:
    rows = Notification.objects.filter(
        recipient_hash=notification.recipient_hash,
        created_at__gte=timezone.now() - timedelta(days=1),
        status__in=COUNTED_STATUSES,
    )
    return rows.exclude(kind__in=UNLIMITED_KINDS).exclude(pk=notification.pk).count()


def _never_told(notification: Notification) -> bool:
    earlier = Notification.objects.filter(appointment_id=notification.appointment_id).exclude(pk=notification.pk)
    statuses = set(earlier.values_list("status", flat=True))
    return statuses == {Notification.Status.LIMITED}


SUBJECTS = {
    Kind.CONFIRMATION: lambda: _("Your appointment is booked"),
    Kind.RESCHEDULED: lambda: _("Your appointment has moved"),
    Kind.CANCELLED: lambda: _("Your appointment is cancelled"),
    Kind.REMINDER: lambda: _("Reminder: your appointment is tomorrow"),
    Kind.CONFIRM_EMAIL: lambda: _("Please confirm your e-mail address"),
}


def send_appointment_message(appointment_pk: int, kind: str) -> list[str]:
    """Tell the citizen about their appointment on every channel that reaches them; returns those used.

    An e-mail when the address is confirmed (or a "confirm your address" mail while it is not); an SMS when
    there is no address at all (a caller booked by a clerk), and for reminders the citizen asked an SMS for."""
    sent = []
    if send_appointment_email(appointment_pk, kind):
        sent.append(Notification.Channel.EMAIL)
    appointment = Appointment.objects.select_related("service", "site").filter(pk=appointment_pk).first()
    if appointment is not None and _sms_wanted(appointment, kind) and send_sms(appointment, kind):
        sent.append(Notification.Channel.SMS)
    return sent


def send_appointment_email(appointment_pk: int, kind: str) -> bool:
    """Send one e-mail of ``kind``; returns ``False`` when it was sent before (or is not wanted)."""
    appointment = Appointment.objects.select_related("service", "site", "seat").filter(pk=appointment_pk).first()
    if appointment is None or not _email_wanted(appointment, kind):
        return False
    notification = claim(appointment, kind, Notification.Channel.EMAIL, appointment.email)
    if notification is None or held_back(notification):
        return False
    return deliver_email(notification, lambda: _build_email(appointment, kind, notification))


def deliver_email(notification: Notification, build) -> bool:
    """Send the e-mail ``build()`` makes for a claimed ``notification`` and record the outcome on it."""
    try:
        message = build()
        message.extra_headers["Message-ID"] = message_id(notification, message.from_email)
        message.send()
    except Exception as exc:  # noqa: BLE001 - any mail backend error: record it, retry later
        logger.warning("E-mail %s (%s) failed: %s", notification.kind, notification.dedupe_key, exc)
        finish(notification, error=exc)
        return False
    finish(notification)
    return True


def _email_wanted(appointment: Appointment, kind: str) -> bool:
    """An unconfirmed address (taken down by phone) only gets the "confirm" mail: it may be a stranger's."""
    if not appointment.email:
        return False
    if kind == Kind.CONFIRM_EMAIL:
        return not appointment.email_confirmed and appointment.status == AppointmentStatus.BOOKED
    if kind == Kind.CANCELLED:
        return appointment.email_confirmed
    return appointment.email_confirmed and appointment.status == AppointmentStatus.BOOKED


def _build_email(appointment: Appointment, kind: str, notification: Notification) -> EmailMultiAlternatives:
    site_settings = CounterSettings.for_site(appointment.site)
    marker = notification.pk if site_settings.mark_opened_links else None
    with translation.override(appointment.language):
        context = _email_context(appointment, kind, site_settings, marker=marker)
        subject = f"{SUBJECTS[kind]()} · {appointment.service.localized.name}"
        text = render_to_string("digitale_balie/email/appointment.txt", context)
        html = render_to_string("digitale_balie/email/appointment.html", context)
    message = site_settings.email(subject, text, [appointment.email])
    message.attach_alternative(html, "text/html")
    if kind != Kind.CONFIRM_EMAIL:
        ics = appointment_calendar(
            appointment,
            join_url=context.get("join_url", ""),
            manage_url=context.get("manage_url", ""),
            cancelled=kind == Kind.CANCELLED,
        )
        # Django adds the charset of a text attachment itself (naming it here repeated it in the header).
        message.attach(f"afspraak-{appointment.reference}.ics", ics, "text/calendar")
    return message


def _email_context(appointment: Appointment, kind: str, site_settings, *, marker: int | None = None) -> dict:
    """What the e-mail templates show; with ``marker`` its links carry the notification's id (no pixel)."""
    context = {
        "appointment": appointment,
        "kind": kind,
        "settings": site_settings,
        "municipality": site_settings.display_name(appointment.site),
        "subject": SUBJECTS[kind](),
    }
    if kind == Kind.CONFIRM_EMAIL:
        token = appointment.issue_token(AccessToken.Purpose.CONFIRM_EMAIL)
        context["confirm_url"] = with_marker(citizen_url(appointment.site, "confirm_email", token), marker)
    elif kind != Kind.CANCELLED:
        context.update(appointment_links(appointment, marker=marker))
    return context


# --- reminders -------------------------------------------------------------------------------


def due_for_reminder(now=None):
    """Booked appointments starting within the reminder window that were booked before it opened."""
    now = now or timezone.now()
    window = app_settings.REMINDER_BEFORE
    return Appointment.objects.booked().filter(
        start__gt=now, start__lte=now + window, created_at__lte=F("start") - window + timedelta(minutes=30)
    )


def awaiting_reminder(now=None):
    """Due appointments without a reminder claimed for their current time (a failed one may go again)."""
    reminded = Notification.objects.filter(
        kind=Kind.REMINDER,
        appointment=OuterRef("pk"),
        created_at__gte=OuterRef("start") - app_settings.REMINDER_BEFORE,  # a moved appointment is reminded anew
    ).exclude(status=Notification.Status.FAILED)
    return due_for_reminder(now).exclude(Exists(reminded))


def send_reminders(appointment_pk: int) -> list[str]:
    """Remind by e-mail (confirmed address) and by SMS (no address, consent given, or address unconfirmed)."""
    appointment = Appointment.objects.filter(pk=appointment_pk, status=AppointmentStatus.BOOKED).first()
    return send_appointment_message(appointment.pk, Kind.REMINDER) if appointment else []


#: The messages a citizen without e-mail gets by SMS: everything an e-mail would have told them.
SMS_KINDS = (Kind.CONFIRMATION, Kind.RESCHEDULED, Kind.CANCELLED, Kind.REMINDER)


def _sms_wanted(appointment: Appointment, kind: str) -> bool:
    if kind not in SMS_KINDS or not appointment.phone or not CounterSettings.for_site(appointment.site).sms_enabled:
        return False
    if kind != Kind.CANCELLED and appointment.status != AppointmentStatus.BOOKED:
        return False
    if appointment.reached_by_sms:
        return True
    return kind == Kind.REMINDER and (appointment.sms_consent or not appointment.email_confirmed)


def send_sms(appointment: Appointment, kind: str) -> bool:
    notification = claim(appointment, kind, Notification.Channel.SMS, appointment.phone)
    if notification is None or held_back(notification):
        return False
    return deliver_sms(notification, appointment.phone, _sms_body(appointment, kind, notification), appointment.site)


def deliver_sms(notification: Notification, phone: str, body: str, site) -> bool:
    """Hand a claimed SMS to the gateway and record the outcome on ``notification``; ``True`` when accepted."""
    provider = get_sms_provider()
    try:
        message = SmsMessage(to=normalize_phone_number(phone), body=body, reference=notification.dedupe_key)
        result = provider.send(message, status_callback_url=_sms_callback_url(site, provider.identifier))
    except (ValueError, SmsRejected) as exc:
        finish(notification, error=_describe(exc), retry=False, provider=provider.identifier)
        return False
    except IntegrationError as exc:
        finish(notification, error=_describe(exc), provider=provider.identifier)
        return False
    finish(
        notification,
        provider=provider.identifier,
        provider_message_id=result.provider_message_id,
        delivery_status=result.status.value,
    )
    return True


def _describe(exc: Exception) -> Exception:
    """Keep the gateway's own error code next to the readable message, for staff in the admin."""
    code = getattr(exc, "provider_code", "")
    return Exception(f"{exc} ({code})") if code else exc


SMS_TEXTS = {
    Kind.CONFIRMATION: gettext_lazy("%(municipality)s: your appointment for %(service)s is on %(date)s at %(time)s."),
    Kind.RESCHEDULED: gettext_lazy(
        "%(municipality)s: your appointment for %(service)s has moved to %(date)s at %(time)s."
    ),
    Kind.CANCELLED: gettext_lazy(
        "%(municipality)s: your appointment for %(service)s on %(date)s at %(time)s is cancelled."
    ),
    Kind.REMINDER: gettext_lazy("Reminder: appointment %(service)s on %(date)s at %(time)s."),
}


def _sms_body(appointment: Appointment, kind: str, notification: Notification) -> str:
    """Short sentences in the citizen's language, the reference to quote on the phone, and one short link:
    to the video call in a reminder, to see, change or cancel otherwise (for whoever has no e-mail)."""
    site_settings = CounterSettings.for_site(appointment.site)
    marker = notification.pk if site_settings.mark_opened_links else None
    with translation.override(appointment.language):
        local = appointment.local_start
        parts = [
            str(SMS_TEXTS[kind])
            % {
                "municipality": site_settings.display_name(appointment.site),
                "service": appointment.service.localized.name,
                "date": local.strftime("%d/%m"),
                "time": local.strftime("%H:%M"),
            },
            _("Reference %(reference)s.") % {"reference": appointment.reference},
        ]
        if appointment.reached_by_sms and kind != Kind.CANCELLED:
            if kind == Kind.REMINDER and appointment.is_video:
                parts.append(_("Video call: %(link)s") % {"link": sms_link(appointment, "join", marker=marker)})
            else:
                parts.append(_("See or change: %(link)s") % {"link": sms_link(appointment, "manage", marker=marker)})
        return " ".join(parts)


def _sms_callback_url(site, provider_id: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("digitale_balie:sms_status", args=[provider_id])
    except NoReverseMatch:
        return None
    return site.root_url.rstrip("/") + path


def record_delivery(report: DeliveryReport, provider_id: str) -> int:
    """Store a gateway's delivery report on the notification it belongs to; returns rows changed.

    Gateways resend and reorder reports: a late "sent" never overwrites a final "delivered"/"failed".
    """
    rows = Notification.objects.filter(provider=provider_id, provider_message_id=report.provider_message_id)
    if not report.status.is_final:
        final = [status.value for status in DeliveryStatus if status.is_final]
        rows = rows.exclude(delivery_status__in=final)
    return rows.update(delivery_status=report.status.value, error=report.error_code[:300], updated_at=timezone.now())


# --- opened links and delivery figures ----------------------------------------------------------

_LARGEST_ID = 2**63 - 1


def mark_opened(raw_id: str | None, *, site, **owner) -> bool:
    """Note that the citizen opened a link from notification ``raw_id`` (the ``?n=`` of the link).

    Call it only after the link's token proved valid for ``owner`` (``appointment_id=…``, or ``session_id=…``
    for a summary): the notification must belong to that same appointment or conversation, so a guessed or
    foreign id changes nothing. Only the first opening counts (one conditional UPDATE); a site that turned
    the marker off notes nothing.
    """
    if not owner:
        raise ValueError("Say whose link it is (appointment_id or session_id).")
    try:
        pk = int(raw_id or "")
    except ValueError:
        return False
    if not 0 < pk <= _LARGEST_ID or not CounterSettings.for_site(site).mark_opened_links:
        return False
    rows = Notification.objects.filter(pk=pk, opened_at__isnull=True, **owner)
    return rows.update(opened_at=timezone.now()) == 1


def delivery_summary(notifications) -> dict[str, int]:
    """Counts over a queryset of notifications, in one aggregate query.

    ``emails_sent`` / ``emails_failed`` (failed includes "will retry"); ``sms_sent`` (accepted by the
    gateway), ``sms_delivered`` and ``sms_failed`` (not accepted, or reported undelivered by the gateway's
    callback); ``opened`` (messages of which the citizen opened a link).
    """
    email, sms = Q(channel=Notification.Channel.EMAIL), Q(channel=Notification.Channel.SMS)
    sent = Q(status=Notification.Status.SENT)
    failed = Q(status__in=[Notification.Status.FAILED, Notification.Status.GAVE_UP])
    undelivered = Q(delivery_status__in=[DeliveryStatus.FAILED.value, DeliveryStatus.UNDELIVERED.value])
    figures = notifications.aggregate(
        emails_sent=Count("pk", filter=email & sent),
        emails_failed=Count("pk", filter=email & failed),
        sms_sent=Count("pk", filter=sms & sent),
        sms_delivered=Count("pk", filter=sms & Q(delivery_status=DeliveryStatus.DELIVERED.value)),
        sms_failed=Count("pk", filter=sms & (failed | undelivered)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
    )
    return {name: value or 0 for name, value in figures.items()}


DELIVERY_LABELS = {
    DeliveryStatus.QUEUED.value: gettext_lazy("Waiting at the SMS service"),
    DeliveryStatus.SENT.value: gettext_lazy("Sent by the SMS service"),
    DeliveryStatus.DELIVERED.value: gettext_lazy("Delivered"),
    DeliveryStatus.FAILED.value: gettext_lazy("Not delivered"),
    DeliveryStatus.UNDELIVERED.value: gettext_lazy("Not delivered"),
    DeliveryStatus.UNKNOWN.value: gettext_lazy("Unknown"),
}


def delivery_label(delivery_status: str) -> str:
    """The gateway's delivery status in words ("" when it sent no report)."""
    return str(DELIVERY_LABELS.get(delivery_status, delivery_status))


def _outcome(notification: Notification) -> tuple[int, str]:
    """How far one message got, as (rank, words): the best news of a channel wins."""
    undelivered = notification.delivery_status in (DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED)
    if notification.opened_at:
        return 5, _("opened")
    if notification.delivery_status == DeliveryStatus.DELIVERED:
        return 4, _("delivered")
    if notification.status == Notification.Status.SENT:
        return (2, _("not delivered")) if undelivered else (3, _("sent"))
    if notification.status == Notification.Status.SENDING:
        return 0, _("sending")
    return 1, _("failed")


def reading_note(notifications) -> str:
    """One line for the clerk about an appointment's messages, e.g. "E-mail: opened · SMS: delivered"."""
    parts = []
    for channel in Notification.Channel:
        mine = [n for n in notifications if n.channel == channel]
        if mine:
            parts.append(f"{channel.label}: {max(_outcome(n) for n in mine)[1]}")
    return " · ".join(parts)


def note_opened(request, appointment_id: int, site) -> None:
    """The link came from one of our e-mails (``?n=``) and its token is valid: note the message as opened."""
    if request.method == "GET" and OPENED_PARAMETER in request.GET:
        mark_opened(request.GET[OPENED_PARAMETER], appointment_id=appointment_id, site=site)
