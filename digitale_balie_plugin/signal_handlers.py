"""Receivers that keep caches honest. Connected in ``apps.DigitaleBalieConfig.ready``."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .booking.links import forget_counter_pages


def _forget(sender=None, **kwargs):
    forget_counter_pages()


def _forget_clerk(sender=None, instance=None, **kwargs):
    """A saved user (new password, deactivated) loses the cached seats and auth hash the console's fast
    path trusts; the next poll goes through Django's authentication again."""
    from .calls.console import forget_clerk

    forget_clerk(instance.pk)


def _forget_group_members(sender=None, instance=None, pk_set=None, **kwargs):
    from .calls.console import forget_clerk

    for user_pk in [instance.pk] if hasattr(instance, "get_session_auth_hash") else list(pk_set or ()):
        forget_clerk(user_pk)


def _register_case(sender=None, session=None, **kwargs):
    from .cases.service import register_case

    register_case(session)


def register_signal_handlers():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed
    from wagtail.models import Page, Site

    from .signals import call_ended

    call_ended.connect(_register_case, dispatch_uid="balie-register-case")
    user_model = get_user_model()
    post_save.connect(_forget_clerk, sender=user_model, dispatch_uid="balie-forget-clerk")
    m2m_changed.connect(_forget_group_members, sender=user_model.groups.through, dispatch_uid="balie-forget-groups")

    from .pages import DigitalCounterPage

    for signal in (page_published, page_unpublished):
        signal.connect(_forget, sender=DigitalCounterPage, dispatch_uid=f"balie-forget-{id(signal)}")
    post_page_move.connect(_forget, dispatch_uid="balie-forget-move")
    post_delete.connect(_forget, sender=Page, dispatch_uid="balie-forget-page-delete")
    post_delete.connect(_forget, sender=DigitalCounterPage, dispatch_uid="balie-forget-counter-delete")
    post_save.connect(_forget, sender=Site, dispatch_uid="balie-forget-site")
