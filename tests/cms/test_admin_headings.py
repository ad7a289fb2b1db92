"""Every heading of every package admin screen is in the admin's language (issue 15).

The screens are crawled (``tests/admin_pages.py``) with the demo data, as the demo's superuser whose admin
language is Dutch. A heading is a section heading, a column heading, a term of a definition list (inspect
screens, the case record), a field label or a legend. Each must be a Dutch text of a loaded catalogue (ours,
Wagtail's or Django's), unless it is the demo's own data: a service, seat or site name, a person's name, or a
text with digits in it (scores, dates). A heading that bypasses gettext, or a field without a translated
verbose name, fails.
"""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from tests.admin_pages import MINIMUM_PAGES, crawl_pages, load_demo

pytestmark = pytest.mark.django_db


class Headings(HTMLParser):
    """The text of column headings, list terms, field labels and legends (not the data around them)."""

    TAGS = {"h2", "th", "dt", "legend"}

    def __init__(self):
        super().__init__()
        self.open, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS or (tag == "label" and "w-field__label" in (dict(attrs).get("class") or "")):
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            text = " ".join(self.open.pop()[1].split()).rstrip("*").strip()
            if text:
                self.texts.append(text)

    def handle_data(self, data):
        if self.open:
            self.open[-1][1] += data


def headings(html: str) -> list[str]:
    parser = Headings()
    parser.feed(html)
    return parser.texts


def demo_names() -> set[str]:
    """What the demo data names: services, seats, sites and people (in any language)."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from digitale_balie_plugin.models import CounterSeat, Service

    names = [*Service.objects.values_list("name", flat=True), *CounterSeat.objects.values_list("name", flat=True)]
    names += [user.get_full_name() or user.get_username() for user in get_user_model().objects.all()]
    return {name.casefold() for name in [*names, *Site.objects.values_list("site_name", flat=True)]}


def dutch_texts() -> set[str]:
    with translation.override("nl"):
        catalogue = trans_real.translation("nl")._catalog
        return {value.casefold() for _, value in catalogue.items() if isinstance(value, str)}


def test_every_admin_heading_is_translated(client):
    admin = load_demo("nl")
    client.force_login(admin)
    pages = crawl_pages(admin)
    assert len(pages) >= MINIMUM_PAGES
    known = dutch_texts() | demo_names()
    untranslated, seen = {}, 0
    for label, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        for text in headings(response.content.decode()):
            seen += 1
            if text.casefold() not in known and not re.search(r"\d", text):
                untranslated.setdefault(text, []).append(label)
    assert seen > 300  # the parser found the headings (so it cannot pass by finding none)
    assert not untranslated, "\n".join(f"{text!r} on {where[:3]}" for text, where in sorted(untranslated.items()))


def test_the_check_catches_an_english_heading():
    """The known-Dutch set is the catalogue's translations, not its English ids."""
    known = dutch_texts()
    assert "afspraak" in known and "appointment" not in known and "created at" not in known
