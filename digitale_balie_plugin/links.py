"""Links to the citizen routes of a site's digital counter page, by route name.

E-mails, SMS and .ics files need full URLs built outside a request; the counter page of the
appointment's site knows them (it hosts the routes), so we ask it. The page model is looked up by
its label in the app registry, not imported: the page layer sits above every capability that needs
a link, and this module sits below them all.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.apps import apps
from django.core.cache import cache

from digitale_balie_plugin.models import AccessToken

CACHE_TIMEOUT = 3600

#: Query parameter naming the message a link came from (``?n=<notification pk>``), to note it was opened.
OPENED_PARAMETER = "n"


#: The page model hosting the citizen routes (``cms.models.DigitalCounterPage``), by its label.
COUNTER_PAGE_MODEL = ("digitale_balie_cms", "DigitalCounterPage")


def counter_page_model():
    return apps.get_model(*COUNTER_PAGE_MODEL)


def counter_page_for(site):
    """The first live digital counter page of ``site`` (``None`` when the site has none)."""
    return counter_page_model().objects.live().in_site(site).specific().first()


def route_path(route: str, *args) -> str:
    """Path of a counter-page route below the page itself (``"book/afval/"``), without a leading slash."""
    return counter_page_model()().reverse_subpage(route, args=args).lstrip("/")


def _cache_key(site_id: int) -> str:
    return f"digitale_balie:counter-page-path:{site_id}"


def counter_page_path(site) -> str | None:
    """Path of the site's counter page, cached: every page with a booking block needs it.

    The cache is cleared when a counter page is published, unpublished, moved or deleted
    (``cms.signal_handlers``); the timeout is only a safety net.
    """
    path = cache.get(_cache_key(site.pk))
    if path is None:
        page = counter_page_for(site)
        path = page.get_url_parts()[2] if page is not None else ""
        cache.set(_cache_key(site.pk), path, CACHE_TIMEOUT)
    return path or None


def counter_route_path(site, route: str, *args) -> str | None:
    """Path of one of the counter page's routes on ``site`` (for blocks on other pages), cached."""
    path = counter_page_path(site) if site else None
    if not path:
        return None
    return path + route_path(route, *args)


def forget_counter_pages() -> None:
    site_model = apps.get_model("wagtailcore", "Site")
    cache.delete_many([_cache_key(pk) for pk in site_model.objects.values_list("pk", flat=True)])


def citizen_url(site, route: str, *args, page=None) -> str:
    """Absolute URL of a counter-page route (for e-mails, SMS, providers' redirects); ``""`` when the site
    has no counter page. Without ``page`` it costs no query once the page's path is cached."""
    if page is not None:
        base = page.get_full_url()
    else:
        path = counter_page_path(site)
        if not path:
            return ""
        base = site.root_url.rstrip("/") + path
    return base.rstrip("/") + "/" + route_path(route, *args)


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

    page = counter_page_for(appointment.site)
    manage_token = appointment.issue_token(AccessToken.Purpose.MANAGE)
    links = {
        "manage_url": with_marker(citizen_url(appointment.site, "manage", manage_token, page=page), marker),
        "device_test_url": citizen_url(appointment.site, "device_test", page=page),
        "ics_url": "",
    }
    if join and appointment.is_video:
        join_token = appointment.issue_token(AccessToken.Purpose.JOIN)
        links["join_url"] = with_marker(citizen_url(appointment.site, "join", join_token, page=page), marker)
    return links


def sms_link(appointment, route: str, *, marker: int | None = None) -> str:
    """One link for an SMS: a ``manage`` or ``join`` route with a short (128-bit) token of its own."""
    purpose = AccessToken.Purpose.JOIN if route == "join" else AccessToken.Purpose.MANAGE
    return with_marker(citizen_url(appointment.site, route, appointment.issue_token(purpose, short=True)), marker)


def route_url(request, page, name: str, *args) -> str:
    """URL of one of the page's routes (relative when the page is on the request's site)."""
    return page.get_url(request) + page.reverse_subpage(name, args=args)
