"""The one e-mail that invites a citizen to the survey when they left without answering.

At most one per conversation: the conversation is *claimed* (``feedback_invited_at`` set by a
conditional update) before anything is sent, so a rerun of the sweep or a second worker sends
nothing twice. A failed send is recorded on the invitation and not retried — one invitation that
never arrives is better than a citizen who gets three.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.links import session_link
from digitale_balie_plugin.models import CallSession, CounterSettings, FeedbackInvitation
from digitale_balie_plugin.models.calls import SessionStatus

logger = logging.getLogger("digitale_balie.feedback")

#: Conversations that ended longer ago than this are never invited (e.g. right after an upgrade).
MAX_AGE = timedelta(days=2)


def due(now=None):
    """Ended conversations, past the delay, not answered, not invited, with an address we may write to."""
    now = now or timezone.now()
    has_address = Q(appointment__email_confirmed=True, appointment__personal_data_deleted_at__isnull=True) & ~Q(
        appointment__email=""
    ) | Q(appointment__isnull=True, contact__contains="@")
    return CallSession.objects.filter(
        has_address,
        status=SessionStatus.ENDED,
        feedback_given=False,
        feedback_invited_at__isnull=True,
        ended_at__lte=now - app_settings.FEEDBACK_INVITATION_DELAY,
        ended_at__gt=now - app_settings.FEEDBACK_INVITATION_DELAY - MAX_AGE,
    )


def address(session: CallSession) -> str:
    if session.appointment_id:
        return session.appointment.email if session.appointment.email_confirmed else ""
    return session.contact if "@" in session.contact else ""


def send(session_pk: int) -> bool:
    """Send the invitation for one conversation; ``False`` when it is not wanted or went out before."""
    session = CallSession.objects.select_related("site", "service", "appointment").filter(pk=session_pk).first()
    if session is None or not app_settings.FEEDBACK_INVITATIONS:
        return False
    to = address(session)
    claimed = CallSession.objects.filter(
        pk=session_pk, feedback_invited_at__isnull=True, feedback_given=False, status=SessionStatus.ENDED
    ).update(feedback_invited_at=timezone.now())
    if not claimed or not to:
        return False
    raw, invitation = FeedbackInvitation.issue(session, app_settings.FEEDBACK_LINK_VALID)
    link = session_link(session, "feedback_link", raw)
    if not link:
        FeedbackInvitation.objects.filter(pk=invitation.pk).update(error="The site has no digital counter page.")
        return False
    try:
        _message(session, to, link).send()
    except Exception as exc:  # noqa: BLE001 - any mail backend error: note it, never send twice
        logger.warning("Feedback invitation for conversation %s failed: %s", session.pk, exc)
        FeedbackInvitation.objects.filter(pk=invitation.pk).update(error=str(exc)[:300])
        return False
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def send_due(now=None) -> int:
    if not app_settings.feature_on(Feature.FEEDBACK):
        return 0
    return sum(send(pk) for pk in due(now).values_list("pk", flat=True)[:500])


def _message(session: CallSession, to: str, link: str) -> EmailMessage:
    site_settings = CounterSettings.for_site(session.site)
    language = session.citizen_language(site_settings.default_language)
    municipality = site_settings.display_name(session.site)
    with translation.override(language):
        context = {
            "municipality": municipality,
            "service": session.service,
            "link": link,
            "valid_until": timezone.localtime(
                timezone.now() + app_settings.FEEDBACK_LINK_VALID, app_settings.TIME_ZONE
            ),
        }
        subject = _("%(municipality)s: how was your conversation?") % {"municipality": municipality}
        body = render_to_string("digitale_balie/email/feedback_invitation.txt", context)
    return site_settings.email(subject, body, [to])
