"""The package's CSP covers the package's pages and routes; the rest of the city's site keeps its own (issue 13).

Two cities: one with a policy of its own (django-csp, as the example site: YouTube frames allowed) and one with
none at all. In both, a stock Wagtail page with a YouTube embed is served as the city made it, next to a
counter page with the package's strict policy.
"""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from digitale_balie_plugin.security import CounterCSPMiddleware, use_counter_policy
from example_site.home.models import ContentPage

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
FRAME = '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Film"></iframe>'


@pytest.fixture
def film_page(site):
    """A plain page of the city's own model with a YouTube film (the embed is cached: no network)."""
    Embed.objects.create(url=YOUTUBE, hash=get_embed_hash(YOUTUBE, None, None), type="video", html=FRAME)
    page = ContentPage(title="Onze stad in beeld", slug="in-beeld", body=[("video", YOUTUBE)])
    site.root_page.add_child(instance=page)
    return page


def directives(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in header.split("; ") if part}


def test_a_city_with_its_own_policy_keeps_it_next_to_a_counter_page(client, film_page, counter_page):
    plain = client.get(film_page.url)
    assert plain.status_code == 200 and FRAME in plain.content.decode()
    assert directives(plain)["frame-src"] == "https://www.youtube-nocookie.com"  # the city's own policy

    counter = client.get(counter_page.url)
    assert directives(counter)["frame-src"] == "'none'"  # the package's, on the package's page
    assert "unsafe-inline" not in counter["Content-Security-Policy"]
    assert directives(counter)["base-uri"] == "'none'"


def test_a_city_without_a_policy_gets_none_on_its_own_pages(client, settings, film_page, counter_page, service):
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if entry != "csp.middleware.CSPMiddleware"]
    settings.CONTENT_SECURITY_POLICY = None
    plain = client.get(film_page.url)
    assert FRAME in plain.content.decode() and "Content-Security-Policy" not in plain
    for url in (counter_page.url, f"{counter_page.url}book/{service.slug}/", "/digitale-balie/identity/jwks.json"):
        response = client.get(url)
        assert directives(response)["frame-src"] == "'none'", url
        assert directives(response)["script-src"] == "'self'", url


def test_package_admin_screens_get_the_admin_policy_and_wagtails_own_keep_the_sites(admin_client, seat):
    console = admin_client.get(reverse("digitale_balie_console", args=[seat.pk]))
    assert console.status_code == 200
    assert "'unsafe-inline'" in directives(console)["script-src"]  # Wagtail's admin needs it (wagtail#1288)
    assert directives(console)["object-src"] == "'none'"
    explorer = admin_client.get("/admin/pages/")
    assert explorer.status_code == 200 and "Content-Security-Policy" not in explorer  # the example excludes /admin/


def test_the_sites_nonce_is_carried_into_the_package_policy():
    """A city whose base template marks its inline scripts with django-csp's nonce keeps them running on
    counter pages (they extend that base template)."""
    request = RequestFactory().get("/digitale-balie/")
    request._csp_nonce = "c2l0ZS1ub25jZQ"
    response = CounterCSPMiddleware(lambda request: use_counter_policy(HttpResponse("ok")))(request)
    assert directives(response)["script-src"] == "'self' 'nonce-c2l0ZS1ub25jZQ'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    untouched = CounterCSPMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/nieuws/"))
    assert "Content-Security-Policy" not in untouched
