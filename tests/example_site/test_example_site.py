"""The example site's demo content loads (twice, safely) and its pages render."""

import pytest
from django.core.management import call_command

from digitale_balie_plugin.models import CounterSeat, Service

pytestmark = pytest.mark.django_db


def test_demo_content_loads_twice_and_every_page_renders(client):
    call_command("load_demo_content")
    call_command("load_demo_content")
    assert Service.objects.canonical().count() == 5 and CounterSeat.objects.canonical().count() == 4
    assert CounterSeat.objects.count() == 8  # with their French words
    assert Service.objects.count() == 10  # each with its French translation, once
    for path in ["/", "/digitale-balie/", "/digitale-balie/book/bouwadvies/", "/digitale-balie/device-test/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Bouwadvies" in client.get("/digitale-balie/").content.decode()
    french = client.get("/fr/digitale-balie/").content.decode()  # Dutch and French side by side
    assert '<html lang="fr"' in french and "Guichet numérique" in french and "Conseil en construction" in french
    assert "Prendre rendez-vous" in french and "Bouwadvies" not in french
    for path in ["/fr/", "/fr/code/", "/fr/betalen/", "/fr/uw-mening/", "/fr/digitale-balie/book/bouwadvies/"]:
        assert client.get(path).status_code == 200, path
    from digitale_balie_plugin.models import Appointment

    assert Appointment.objects.filter(email="burger@demostad.example").count() == 1  # rerun books no second one


def test_the_citys_code_pages_offer_a_language_choice_and_speak_it(client, site, counter_page):
    """The "/code/" and "/betalen/" pages are the city's own, with a code block: the language switcher is there
    too, and a block whose heading the editor left empty speaks the citizen's language."""
    from example_site.home.models import ContentPage

    page = ContentPage(title="Betalen", slug="betalen", body=[("payment", {"heading": "", "intro": ""})])
    site.root_page.add_child(instance=page)
    dutch = client.get(page.url).content.decode()
    assert "Betalen met een code" in dutch and f'href="/fr{page.url}" lang="fr" hreflang="fr">Français' in dutch
    french = client.get("/fr" + page.url).content.decode()  # the city's pages are under i18n_patterns
    assert "Payer avec un code" in french and 'lang="fr" hreflang="fr" aria-current="true">Français' in french
