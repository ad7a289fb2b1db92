"""Absolute links to the citizen routes of a site's digital counter page.

E-mails, SMS and .ics files need full URLs built outside a request; the counter page of the
appointment's site knows them (it hosts the routes), so we ask it.
"""

from __future__ import annotations

from django.apps import apps


def counter_page_for(site):
    """The first live digital counter page of ``site`` (``None`` when the site has none)."""
    page_model = apps.get_model("digitale_balie", "DigitalCounterPage")
    return page_model.objects.live().in_site(site).specific().first()


def citizen_url(site, route: str, *args, page=None) -> str:
    page = page or counter_page_for(site)
    if page is None:
        return ""
    return page.get_full_url().rstrip("/") + "/" + page.reverse_subpage(route, args=args).lstrip("/")


def appointment_links(appointment, *, join: bool = True) -> dict[str, str]:
    """Fresh manage/join/device-test links; each call mints new tokens (old ones stay valid)."""
    from ..models import AccessToken

    page = counter_page_for(appointment.site)
    links = {
        "manage_url": citizen_url(
            appointment.site, "manage", appointment.issue_token(AccessToken.Purpose.MANAGE), page=page
        ),
        "device_test_url": citizen_url(appointment.site, "device_test", page=page),
        "ics_url": "",
    }
    if join and appointment.channel == "video":
        links["join_url"] = citizen_url(
            appointment.site, "join", appointment.issue_token(AccessToken.Purpose.JOIN), page=page
        )
    return links
