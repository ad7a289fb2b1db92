"""The device test: as a block in a page body, and as the counter's own route; server-rendered, CSP-safe."""

import re

import pytest

from digitale_balie_plugin.cms.blocks.device_test import DeviceTestBlock

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_with_block(counter_page):
    counter_page.body = [
        ("device_test", {"heading": "Is uw computer klaar?", "intro": "<p>Test het <b>nu</b>.</p>"}),
    ]
    counter_page.save_revision().publish()
    return counter_page


def assert_csp_safe(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_block_on_a_page_renders_the_device_test(client, page_with_block):
    response = client.get(page_with_block.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Is uw computer klaar?</h2>" in html and "Test het <b>nu</b>." in html
    assert html.count("data-balie-device-test") == 1
    assert '<script type="module" src="/static/digitale_balie/js/device-test.js"></script>' in html
    assert 'href="/static/digitale_balie/css/device-test.css"' in html
    assert "<h3>" in html and "<h2>Camera" not in html  # headings inside go one level down under the block's
    assert 'href="/digitale-balie/device-test/room/"' in html  # the site's test room
    assert_csp_safe(html)


def test_block_without_a_heading_shows_its_own_in_the_pages_language(client, counter_page):
    """An empty heading is the block's own (in the page's language), so the section's headings stay one level
    below it (h3), as with a heading the editor typed."""
    counter_page.body = [("device_test", {"heading": "", "intro": ""})]
    counter_page.save_revision().publish()
    html = client.get(counter_page.url).content.decode()
    assert html.count("data-balie-device-test") == 1
    assert "<h2>Test camera en micro</h2>" in html
    assert re.search(r"<h3>[^<]+</h3>\s*<div class=\"balie-device-grid\">", html)


def test_route_renders_the_section_with_every_help_text_hidden(client, counter_page):
    response = client.get(counter_page.url + "device-test/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-balie-device-test") == 1
    for name in ["unsupported", "denied", "missing", "busy", "silent", "not-heard"]:
        assert re.search(rf'data-help="{name}"[^>]*\shidden', html), name
    assert "<noscript>" in html and 'aria-live="polite"' in html
    assert re.search(r"<meter [^>]*id=\"balie-dt-level\"", html) and 'for="balie-dt-level"' in html
    assert 'href="/digitale-balie/device-test/room/"' in html  # test_room_url from the view
    assert_csp_safe(html)


def test_include_renders_the_test_room_link_only_when_given():
    from django.template.loader import render_to_string

    without = render_to_string("digitale_balie/includes/device_test.html", {})
    given = render_to_string("digitale_balie/includes/device_test.html", {"test_room_url": "/room/x/"})
    assert "<a href" not in without
    assert '<a href="/room/x/">' in given


def test_block_meta_for_editors():
    block = DeviceTestBlock()
    assert block.meta.icon == "media"
    assert block.meta.template == "digitale_balie/blocks/device_test_block.html"
    html = block.render(block.to_python(block.meta.preview_value))
    assert "data-balie-device-test" in html and "<h2>Test uw camera en micro</h2>" in html
    assert "<a href" not in html.split("data-balie-device-test", 1)[1]  # no site in the context: no test room link
