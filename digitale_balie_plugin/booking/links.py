"""Absolute links to the citizen routes of a site's digital counter page.

E-mails, SMS and .ics files need full URLs built outside a request; the counter page of the
appointment's site knows them (it hosts the routes), so we ask it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.apps import apps
from django.core.cache import cache

CACHE_TIMEOUT = 3600

#: Query parameter naming the message a link came from (``?n=<notification pk>``), to note it was opened.
OPENED_PARAMETER = "n"


def counter_page_for(site):
    """The first live digital counter page of ``site`` (``None`` when the site has none)."""
    page_model = apps.get_model("digitale_balie", "DigitalCounterPage")
    return page_model.objects.live().in_site(site).specific().first()


def _cache_key(site_id: int) -> str:
    return f"digitale_balie:counter-page-path:{site_id}"


def counter_page_path(site) -> str | None:
    """Path of the site's counter page, cached: every page with a booking block needs it.

    The cache is cleared when a counter page is published, unpublished, moved or deleted
    (``signal_handlers``); the timeout is only a safety net.
    """
    path = cache.get(_cache_key(site.pk))
    if path is None:
        page = counter_page_for(site)
        path = page.get_url_parts()[2] if page is not None else ""
        cache.set(_cache_key(site.pk), path, CACHE_TIMEOUT)
    return path or None


def counter_route_path(site, route: str, *args) -> str | None:
    """Path of one of the counter page's routes on ``site`` (for blocks on other pages), cached."""
    from ..pages import DigitalCounterPage

    path = counter_page_path(site) if site else None
    if not path:
        return None
    return path + DigitalCounterPage().reverse_subpage(route, args=args).lstrip("/")


def forget_counter_pages() -> None:
    site_model = apps.get_model("wagtailcore", "Site")
    cache.delete_many([_cache_key(pk) for pk in site_model.objects.values_list("pk", flat=True)])


def citizen_url(site, route: str, *args, page=None) -> str:
    """Absolute URL of a counter-page route (for e-mails, SMS, providers' redirects); ``""`` when the site
    has no counter page. Without ``page`` it costs no query once the page's path is cached."""
    from ..pages import DigitalCounterPage

    if page is not None:
        base = page.get_full_url()
    else:
        path = counter_page_path(site)
        if not path:
            return ""
        base = site.root_url.rstrip("/") + path
    return base.rstrip("/") + "/" + DigitalCounterPage().reverse_subpage(route, args=args).lstrip("/")


def with_marker(url: str, notification_id: int | None) -> str:
    """``url`` with the id of the message it is sent in, so opening it can be noted; unchanged without one."""
    if not url or notification_id is None:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({OPENED_PARAMETER: notification_id})}"


def appointment_links(appointment, *, join: bool = True, marker: int | None = None) -> dict[str, str]:
    """Fresh manage/join/device-test links; each call mints new tokens (old ones stay valid).

    ``marker`` is the id of the notification the links go out in: the manage and join links carry it, so
    the counter page can note that the citizen opened the message (it only counts with a valid token).
    """
    from ..models import AccessToken

    page = counter_page_for(appointment.site)
    manage_token = appointment.issue_token(AccessToken.Purpose.MANAGE)
    links = {
        "manage_url": with_marker(citizen_url(appointment.site, "manage", manage_token, page=page), marker),
        "device_test_url": citizen_url(appointment.site, "device_test", page=page),
        "ics_url": "",
    }
    if join and appointment.channel == "video":
        join_token = appointment.issue_token(AccessToken.Purpose.JOIN)
        links["join_url"] = with_marker(citizen_url(appointment.site, "join", join_token, page=page), marker)
    return links
