"""Counter pages per locale (Wagtail's localisation): links lead to the citizen's language (issue 14).

The French counter page is the translation of the Dutch one, in the French tree, served under ``/fr/`` by the
city's ``i18n_patterns``. Messages in French link to it; the same appointment is managed from either page.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from wagtail.models import Locale

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls.sessions import session_for_appointment
from digitale_balie_plugin.links import citizen_url, counter_page_for, counter_route_path, session_link
from tests.fixtures import at

MANAGE = re.compile(r"https?://[^/\s]+(/(?:fr/)?digitale-balie/manage/[\w-]+/)")


@pytest.fixture
def french_counter_page(settings, site, counter_page):
    settings.ROOT_URLCONF = "tests.cms.i18n_urls"
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = [("nl", "Nederlands"), ("fr", "Français")]
    french = Locale.objects.get_or_create(language_code="fr")[0]
    home = site.root_page.specific.copy_for_translation(french)
    home.save_revision().publish()
    page = counter_page.copy_for_translation(french)
    page.title = "Guichet numérique"
    page.body = [("appointment_booking", {"heading": "", "intro": "", "services": []})]
    page.save_revision().publish()
    return page.specific


def test_each_language_finds_its_own_counter_page(french_counter_page, counter_page, site):
    with translation.override("fr"):
        assert counter_page_for(site) == french_counter_page
        assert counter_route_path(site, "code") == "/fr/digitale-balie/code/"
    with translation.override("nl"):
        assert counter_page_for(site) == counter_page
        assert counter_route_path(site, "code") == "/digitale-balie/code/"
    with translation.override("en"):  # no English counter page: the default one
        assert counter_page_for(site).pk == counter_page.pk


def test_a_french_page_speaks_french_and_books_the_one_service(client, french_counter_page, service, seat):
    html = client.get("/fr/digitale-balie/").content.decode()
    assert '<html lang="fr"' in html and "Prendre rendez-vous" in html and "Guichet numérique" in html
    assert 'href="/fr/digitale-balie/book/identiteitskaart/"' in html
    assert client.get("/fr/digitale-balie/book/identiteitskaart/").status_code == 200


def test_a_french_appointment_is_managed_from_either_page(
    client, french_counter_page, service, seat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking.book_appointment(
            service, at(8, 10), booking.CitizenDetails(name="Chloé Dubois", email="chloe@example.be", language="fr")
        )
    link = MANAGE.search(mail.outbox[0].body).group(1)
    assert link.startswith("/fr/digitale-balie/manage/")  # the French message leads to the French page
    french = client.get(link)
    assert french.status_code == 200 and '<html lang="fr"' in french.content.decode()
    dutch = client.get(link.removeprefix("/fr"))  # one appointment: the Dutch page knows it too
    assert dutch.status_code == 200 and '<html lang="nl"' in dutch.content.decode()


def test_a_language_without_its_own_counter_page_keeps_the_citizen_in_it(settings, site, counter_page):
    """No French counter page yet: Wagtail shows the Dutch one under /fr/, and links stay there (French UI)."""
    settings.ROOT_URLCONF = "tests.cms.i18n_urls"
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = [("nl", "Nederlands"), ("fr", "Français")]
    with translation.override("fr"):
        assert citizen_url(site, "code") == "http://localhost/fr/digitale-balie/code/"
    with translation.override("nl"):
        assert citizen_url(site, "code") == "http://localhost/digitale-balie/code/"


def test_links_a_clerk_gives_lead_to_the_citizens_language(french_counter_page, service, seat):
    """The clerk's console is Dutch; the guest or hand-over link for a French citizen opens the French page."""
    appointment = booking.book_appointment(
        service, at(8, 10), booking.CitizenDetails(name="Chloé Dubois", email="chloe@example.be", language="fr")
    ).appointment
    session = session_for_appointment(appointment)
    with translation.override("nl"):  # the clerk's request
        assert session_link(session, "code") == "http://localhost/fr/digitale-balie/code/"
