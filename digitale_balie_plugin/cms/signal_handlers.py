"""Receivers that forget the cached path of a site's counter page when the page tree changes.

Connected in ``cms.apps.DigitaleBalieCmsConfig.ready``.
"""

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.links import forget_counter_pages


def _forget(sender=None, **kwargs):
    forget_counter_pages()


def connect_page_signals():
    for signal in (page_published, page_unpublished):
        signal.connect(_forget, sender=DigitalCounterPage, dispatch_uid=f"balie-forget-{id(signal)}")
    post_page_move.connect(_forget, dispatch_uid="balie-forget-move")
    post_delete.connect(_forget, sender=Page, dispatch_uid="balie-forget-page-delete")
    post_delete.connect(_forget, sender=DigitalCounterPage, dispatch_uid="balie-forget-counter-delete")
