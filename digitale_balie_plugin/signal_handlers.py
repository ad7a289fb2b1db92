"""Receivers that keep caches honest, keep a conversation in step with its appointment and its requests in
step with the conversation, and hand a finished conversation to the CRM and the citizen's summary.

The capabilities do not import each other (booking knows no conversation, calls no request): they announce
what happened, and this module, above them all, connects the consequences.

Connected in ``apps.DigitaleBalieConfig.ready``; the page tree's receivers are in ``cms.signal_handlers``.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save
from wagtail.models import Site

from digitale_balie_plugin.actions.handover import release_claims
from digitale_balie_plugin.actions.service import close_open_requests
from digitale_balie_plugin.calls.seats import forget_clerk
from digitale_balie_plugin.calls.sessions import close_for_cancelled_appointment, follow_rescheduled_appointment
from digitale_balie_plugin.cases.service import register_case
from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.jobs import enqueue_on_commit
from digitale_balie_plugin.links import forget_counter_pages
from digitale_balie_plugin.signals import (
    appointment_cancelled,
    appointment_rescheduled,
    call_cancelled,
    call_ended,
    citizen_device_changed,
)


def _forget_counter_pages(sender=None, **kwargs):
    forget_counter_pages()


def _forget_clerk(sender=None, instance=None, **kwargs):
    """A saved user (new password, deactivated) loses the cached seats and auth hash the console's fast
    path trusts; the next poll goes through Django's authentication again."""
    forget_clerk(instance.pk)


def _forget_group_members(sender=None, instance=None, pk_set=None, **kwargs):
    for user_pk in [instance.pk] if hasattr(instance, "get_session_auth_hash") else list(pk_set or ()):
        forget_clerk(user_pk)


def _register_case(sender=None, session=None, **kwargs):
    if app_settings.feature_on(Feature.CRM):  # a site without a CRM keeps no case records
        register_case(session)


def _send_summary(sender=None, session=None, **kwargs):
    """One summary to the citizen, in the background (``summary.messages``); the task decides whether and how."""
    enqueue_on_commit("send_call_summary_task", session.pk)


def _close_conversation(sender=None, appointment=None, by_user=None, **kwargs):
    """A cancelled appointment closes its conversation: gone from the queue, pages 410, no start."""
    close_for_cancelled_appointment(appointment, by_user=by_user)


def _move_conversation(sender=None, appointment=None, **kwargs):
    follow_rescheduled_appointment(appointment)


def _close_requests(sender=None, session=None, clerk=None, by_user=None, **kwargs):
    """Ended or cancelled: no request of the conversation stays open (each closing is audited)."""
    close_open_requests(session, by_user=clerk or by_user)


def _release_claims(sender=None, session=None, **kwargs):
    release_claims(session)


def register_signal_handlers():
    appointment_cancelled.connect(_close_conversation, dispatch_uid="balie-close-conversation")
    appointment_rescheduled.connect(_move_conversation, dispatch_uid="balie-move-conversation")
    # First: the case record and the summary must see the requests as they finally are.
    call_ended.connect(_close_requests, dispatch_uid="balie-close-requests")
    call_cancelled.connect(_close_requests, dispatch_uid="balie-close-requests-cancelled")
    citizen_device_changed.connect(_release_claims, dispatch_uid="balie-release-claims")
    call_ended.connect(_register_case, dispatch_uid="balie-register-case")
    call_ended.connect(_send_summary, dispatch_uid="balie-send-summary")
    user_model = get_user_model()
    post_save.connect(_forget_clerk, sender=user_model, dispatch_uid="balie-forget-clerk")
    m2m_changed.connect(_forget_group_members, sender=user_model.groups.through, dispatch_uid="balie-forget-groups")
    post_save.connect(_forget_counter_pages, sender=Site, dispatch_uid="balie-forget-site")
