"""Storing an answer: once per conversation, anonymous unless the citizen ticked the box."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.models import CallSession, Feedback, FeedbackInvitation
from digitale_balie_plugin.models.calls import SessionStatus
from digitale_balie_plugin.signals import feedback_given

logger = logging.getLogger("digitale_balie.feedback")


def may_answer(session: CallSession) -> bool:
    """Only an ended conversation (not a no-show) is asked about, and only once; never on a site that
    switched feedback off."""
    return (
        app_settings.feature_on(Feature.FEEDBACK)
        and session.status == SessionStatus.ENDED
        and not session.feedback_given
    )


def record_for_session(session: CallSession, data: dict, *, source: str, language: str) -> Feedback | None:
    """Store the survey of one conversation; ``None`` when it was answered already (a second tab, a double
    click, the e-mail link after the page): the conditional update lets exactly one answer in."""
    with transaction.atomic():
        won = CallSession.objects.filter(pk=session.pk, status=SessionStatus.ENDED, feedback_given=False).update(
            feedback_given=True
        )
        if not won:
            return None
        FeedbackInvitation.objects.filter(session=session, used_at__isnull=True).update(used_at=timezone.now())
        contact = _contact(session) if data.get("contact_ok") else {}
        feedback = Feedback.objects.create(
            site_id=session.site_id,
            source=source,
            service_id=session.service_id,
            seat_id=session.seat_id,
            channel=session.channel,
            given_on=timezone.localdate(),
            language=language,
            **_answers(data),
            **contact,
        )
        transaction.on_commit(lambda: feedback_given.send(sender=Feedback, feedback=feedback))
    return feedback


def record_for_page(site, page, data: dict, *, language: str) -> Feedback:
    """Store an answer from ``FeedbackBlock`` (not tied to any conversation)."""
    with transaction.atomic():
        feedback = Feedback.objects.create(
            site=site,
            source=Feedback.Source.PAGE,
            page_title=(page.title if page is not None else "")[:255],
            given_on=timezone.localdate(),
            language=language,
            **_answers(data),
            contact_ok=bool(data.get("contact_ok")),
            contact_name=data.get("contact_name", "") or "",
            contact_email=data.get("contact_email", "") or "",
        )
        transaction.on_commit(lambda: feedback_given.send(sender=Feedback, feedback=feedback))
    return feedback


def _answers(data: dict) -> dict:
    return {
        "ease": data.get("ease"),
        "satisfaction": data.get("satisfaction"),
        "use_again": data.get("use_again") or "",
        "time_saved": data.get("time_saved") or "",
        "comment": (data.get("comment") or "").strip(),
    }


def _contact(session: CallSession) -> dict:
    """With the tick: link the conversation, and keep the name and address we already had to answer them."""
    appointment = session.appointment
    email = appointment.email if appointment is not None else (session.contact if "@" in session.contact else "")
    name = session.citizen_name or (appointment.citizen_name if appointment is not None else "")
    return {"contact_ok": True, "session": session, "contact_name": name[:150], "contact_email": email}
