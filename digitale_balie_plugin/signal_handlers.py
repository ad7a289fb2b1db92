"""Receivers that keep caches honest. Connected in ``apps.DigitaleBalieConfig.ready``."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .booking.links import forget_counter_pages


def _forget(sender=None, **kwargs):
    forget_counter_pages()


def _verification_expired(sender=None, action=None, status=None, **kwargs):
    """Give an expired verification its reason for the clerk (the framework only knows "expired")."""
    from .identity.service import VERIFY_KIND, expire_open

    if action is not None and action.kind == VERIFY_KIND and status == "expired":
        expire_open(action)


def register_signal_handlers():
    from wagtail.models import Page, Site

    from .actions.service import action_status_changed
    from .pages import DigitalCounterPage

    for signal in (page_published, page_unpublished):
        signal.connect(_forget, sender=DigitalCounterPage, dispatch_uid=f"balie-forget-{id(signal)}")
    post_page_move.connect(_forget, dispatch_uid="balie-forget-move")
    post_delete.connect(_forget, sender=Page, dispatch_uid="balie-forget-page-delete")
    post_delete.connect(_forget, sender=DigitalCounterPage, dispatch_uid="balie-forget-counter-delete")
    post_save.connect(_forget, sender=Site, dispatch_uid="balie-forget-site")
    action_status_changed.connect(_verification_expired, dispatch_uid="balie-verification-expired")
