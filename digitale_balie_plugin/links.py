"""Links to the citizen routes of a site's digital counter page, by route name.

E-mails, SMS and .ics files need full URLs built outside a request; the counter page of the
appointment's site knows them (it hosts the routes), so we ask it. The page model is looked up by
its label in the app registry, not imported: the page layer sits above every capability that needs
a link, and this module sits below them all.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page

from digitale_balie_plugin.models import AccessToken
from digitale_balie_plugin.tokens import hash_token

CACHE_TIMEOUT = 3600

#: Query parameter naming the message a link came from (``?n=<notification pk>``), to note it was opened.
OPENED_PARAMETER = "n"


#: The page model hosting the citizen routes (``cms.models.DigitalCounterPage``), by its label.
COUNTER_PAGE_MODEL = ("digitale_balie_cms", "DigitalCounterPage")


def counter_page_model():
    return apps.get_model(*COUNTER_PAGE_MODEL)


def _language() -> str | None:
    """The content language of the active language (the citizen's: the page's, or the one a message is written
    in), when the site has several (``WAGTAIL_I18N_ENABLED``); ``None`` otherwise."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    try:
        return get_supported_content_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return None


def counter_page_for(site):
    """The live digital counter page of ``site`` in the active language (``None`` when the site has none).

    With Wagtail's localisation a French counter page is the translation of the Dutch one, in the French tree
    (the translation of the site's root page); links in a French message or on a French page lead there. A
    language without its own counter page falls back to the site's default one."""
    pages = counter_page_model().objects.live().specific()
    language = _language()
    if language:
        localized = pages.filter(locale__language_code=language)
        root = site.root_page
        if root.locale.language_code != language:
            root = root.get_translations().filter(locale__language_code=language).first()
        found = localized.descendant_of(root, inclusive=True).first() if root is not None else None
        if found is not None:
            return found
    return pages.in_site(site).first()


def route_path(route: str, *args) -> str:
    """Path of a counter-page route below the page itself (``"book/afval/"``), without a leading slash."""
    return counter_page_model()().reverse_subpage(route, args=args).lstrip("/")


def _cache_key(site_id: int, language: str | None = None) -> str:
    return f"digitale_balie:counter-page-path:{site_id}:{language or ''}"


def counter_page_path(site) -> str | None:
    """Path of the site's counter page, cached: every page with a booking block needs it.

    The cache is cleared when a counter page is published, unpublished, moved or deleted
    (``cms.signal_handlers``); the timeout is only a safety net.
    """
    key = _cache_key(site.pk, _language())
    path = cache.get(key)
    if path is None:
        page = counter_page_for(site)
        path = page.get_url_parts()[2] if page is not None else ""
        cache.set(key, path, CACHE_TIMEOUT)
    return path or None


def counter_route_path(site, route: str, *args) -> str | None:
    """Path of one of the counter page's routes on ``site`` (for blocks on other pages), cached."""
    path = counter_page_path(site) if site else None
    if not path:
        return None
    return path + route_path(route, *args)


def forget_counter_pages() -> None:
    site_model = apps.get_model("wagtailcore", "Site")
    languages = [None, *(code for code, _name in getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", ()))]
    cache.delete_many(
        [_cache_key(pk, language) for pk in site_model.objects.values_list("pk", flat=True) for language in languages]
    )


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
    return in_active_language(base.rstrip("/") + "/") + route_path(route, *args)


def session_link(session, route: str, *args) -> str:
    """A citizen link of a conversation, in the language the citizen booked in: a clerk's screen builds it in
    the clerk's language, but it leads the citizen (to the French counter page, for a French booking)."""
    language = session.appointment.language if session.appointment_id else None
    if not language:
        return citizen_url(session.site, route, *args)
    with translation.override(language):
        return citizen_url(session.site, route, *args)


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
    """URL of one of the page's routes (relative when the page is on the request's site), in the active
    language's part of the site."""
    return in_active_language(page.get_url(request)) + page.reverse_subpage(name, args=args)


def in_active_language(url: str) -> str:
    """``url`` under the active language's prefix (``/fr/…``) when the city serves its pages with
    ``i18n_patterns`` and the page has no translation of its own: Wagtail then shows the default-language page
    there, and the citizen's next step must stay in their language. That holds for a language of the interface
    without pages of its own too (English on a Dutch and French site). Unchanged on a one-language site."""
    language = translation.get_language()
    localized = getattr(settings, "WAGTAIL_I18N_ENABLED", False)
    if not url or not localized or not language or translation.get_language_from_path(urlsplit(url).path):
        return url  # one language, or already in a language's part (a translated page)
    with translation.override(settings.LANGUAGE_CODE):  # Wagtail built it in the default language's part
        return translate_url(url, language)


def language_versions(request, page=None) -> list[tuple[str, str]]:
    """(language, URL) of the page the citizen is on, in each of ``settings.LANGUAGES``: a translated page where
    one exists (the French counter page), else the same page under the language's prefix (``/en/…``); a counter
    page's route and the query string come along (``book/afval/?from=…``)."""
    suffix = f"?{request.GET.urlencode()}" if request.GET else ""
    route, translations = "", {}
    if isinstance(page, Page):
        here, path = _unprefixed(page.get_url(request) or ""), _unprefixed(request.path)
        route = path[len(here) :] if here and path.startswith(here) else ""
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            translations = {p.locale.language_code: p for p in page.get_translations(inclusive=True).live()}
    return [(code, _version(request, code, page, translations, route) + suffix) for code, _name in settings.LANGUAGES]


def _unprefixed(path: str) -> str:
    """``path`` without its language prefix (``/fr/x/`` → ``/x/``)."""
    language = translation.get_language_from_path(path)
    return path[len(language) + 1 :] if language and path.startswith(f"/{language}/") else path


def _version(request, language: str, page, translations: dict, route: str) -> str:
    """One language's URL of the request's page (see :func:`language_versions`)."""
    translated = translations.get(language)
    if translated is not None:
        return translated.get_url(request) + route
    default = translations.get(settings.LANGUAGE_CODE, page)
    path = default.get_url(request) + route if default is not None else request.path
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, language)


#: Session key: the join link this browser just asked for by a POST (the manage page's "Join" button).
JOIN_READY_KEY = "digitale_balie_join_ready"


def mark_join_ready(request, raw_join_token: str) -> None:
    """The citizen pressed "Join" on the manage page (a POST): the join link it redirects to may let this
    browser in without asking again. Only the hash is kept in the session."""
    request.session[JOIN_READY_KEY] = hash_token(raw_join_token)


def join_ready(request, raw_join_token: str) -> bool:
    """Was this link asked for by this browser's own POST a moment ago? (Read once.)"""
    return request.session.pop(JOIN_READY_KEY, None) == hash_token(raw_join_token)
