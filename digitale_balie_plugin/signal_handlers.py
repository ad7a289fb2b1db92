"""Receivers that keep caches honest. Connected in ``apps.DigitaleBalieConfig.ready``."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .booking.links import forget_counter_pages


def _forget(sender=None, **kwargs):
    forget_counter_pages()


def register_signal_handlers():
    from wagtail.models import Page, Site

    from .pages import DigitalCounterPage

    for signal in (page_published, page_unpublished):
        signal.connect(_forget, sender=DigitalCounterPage, dispatch_uid=f"balie-forget-{id(signal)}")
    post_page_move.connect(_forget, dispatch_uid="balie-forget-move")
    post_delete.connect(_forget, sender=Page, dispatch_uid="balie-forget-page-delete")
    post_delete.connect(_forget, sender=DigitalCounterPage, dispatch_uid="balie-forget-counter-delete")
    post_save.connect(_forget, sender=Site, dispatch_uid="balie-forget-site")
