"""axe (WCAG 2.1 AA, colour contrast included) on EVERY package admin page, at 390 px and 1280 px (issue 15).

The pages are crawled, not listed: ``tests/admin_pages.py`` reads them from the admin's URL patterns and the
package's site settings and fills them in with the demo data, logged in as the demo's superuser (admin in
Dutch). The clerk's console is left out there, with its reason.

axe reports text coloured like its background as "incomplete", not as a violation (that hid the invisible
booking buttons, see ``test_readable_buttons.py``). So an incomplete colour-contrast node fails here too,
unless axe's reason is one of ``MEASURED_HERE``: reasons that only say axe could not find the background
by itself. Those nodes are measured here instead (text colour against the backgrounds of its ancestors) and
must reach 4.5:1 (3:1 for large text), so text the colour of its background fails whatever axe's reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.admin_pages import ADMIN_PASSWORD, ADMIN_USERNAME, MINIMUM_PAGES, crawl_pages, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)

#: Why axe could not decide a node's contrast, for the reasons where our own measurement is sound. Any other
#: reason (``equalRatio``: text the colour of its background; ``pseudoContent``; ``bgImage``; ``fgAlpha``…)
#: is a finding as it is.
MEASURED_HERE = {
    # The node is partly under another one at the moment of the check (Wagtail's sticky header and footer,
    # the collapsed sidebar at 390 px, the next cell of a listing that scrolls sideways): its background is
    # still the one its ancestors paint.
    "bgOverlap": "overlapped by another element",
    "elmPartiallyObscured": "partly obscured by another element",
    "elmPartiallyObscuring": "partly over another element",
    # Wagtail draws the arrow of its <select> with a gradient background image; the text sits on the
    # select's background colour.
    "bgGradient": "background gradient (Wagtail's select arrow)",
    # Text inside our SVG charts (dashboard, feedback report): axe treats <svg> as an image.
    "imgNode": "text inside an SVG chart",
    # One or two characters (a count in a listing, a bar's value): too short for axe to call it text.
    "shortTextContent": "too short for axe",
    # Wagtail's sidebar menu labels carry a text shadow.
    "complexTextShadows": "text shadow in Wagtail's sidebar",
}

#: Our own contrast measure: the text colour (``fill`` for SVG text) against the backgrounds of the element
#: and its ancestors, blended from the page's white; returns [ratio, needed, description] per selector.
MEASURE = """
(selectors) => {
  const parse = (css) => {
    const m = (css || '').match(/[\\d.]+/g);
    if (!m || m.length < 3) return null;
    return {r: +m[0], g: +m[1], b: +m[2], a: m.length > 3 ? +m[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    if (!element) return [0, 4.5, 'not found: ' + selector];
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const background = parse(getComputedStyle(node).backgroundColor);
      if (background && background.a > 0) { layers.push(background); if (background.a >= 1) break; }
    }
    let background = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) background = over(layer, background);
    const style = getComputedStyle(element);
    let text = parse(element instanceof SVGElement ? style.fill : style.color) || {r: 0, g: 0, b: 0, a: 1};
    text = over(text, background);
    const [light, dark] = [luminance(text), luminance(background)].sort((x, y) => y - x);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const rgb = (c) => `rgb(${Math.round(c.r)},${Math.round(c.g)},${Math.round(c.b)})`;
    return [(light + 0.05) / (dark + 0.05), needed, `${rgb(text)} on ${rgb(background)}`];
  });
}
"""


def _reasons(node) -> set[str]:
    return {
        check["data"].get("messageKey")
        for check in node.get("any", [])
        if isinstance(check.get("data"), dict) and check["data"].get("messageKey")
    }


def _incomplete_contrast(page, response) -> list[str]:
    nodes = [node for rule in response["incomplete"] if rule["id"] == "color-contrast" for node in rule["nodes"]]
    findings, measured = [], []
    for node in nodes:
        reasons = _reasons(node)
        if len(node["target"]) == 1 and reasons and reasons <= MEASURED_HERE.keys():
            measured.append(node["target"][0])
        else:
            findings.append(f"color-contrast incomplete ({', '.join(sorted(reasons)) or '?'}): {node['target']}")
    for selector, (ratio, needed, colours) in zip(measured, page.evaluate(MEASURE, measured), strict=True):
        if ratio < needed:
            findings.append(f"color-contrast measured here: {selector} {ratio:.2f}:1 < {needed}:1 ({colours})")
    return findings


def axe_findings(page) -> list[str]:
    """axe's violations, plus the incomplete colour-contrast nodes that fail (see the module's docstring)."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.conftest import WCAG_21_AA

    response = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response
    findings = [
        f"{rule['id']}: {node['target']} {node.get('failureSummary', '')[:200]!r}"
        for rule in response["violations"]
        for node in rule["nodes"]
    ]
    return findings + _incomplete_contrast(page, response)


HORIZONTAL_SCROLL = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
#: Text cut off on the right: Wagtail's main area hides what runs past its edge instead of scrolling the page,
#: so a too-wide table loses its last columns without any scroll bar (the finance report's descriptions did).
CUT_OFF = """() => {
  const main = document.querySelector('#main');
  const edge = main ? main.getBoundingClientRect().right : window.innerWidth;
  return [...document.querySelectorAll('#main :is(th, td, p, h1, h2, h3, a, button, label, dt, dd, li)')]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > edge + 1; })
    .slice(0, 3).map((e) => e.tagName + ': ' + e.textContent.trim().slice(0, 30));
}"""


def _log_in(browser, base, width):
    context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", ADMIN_USERNAME)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/")
    return context, page


def test_every_package_admin_page_is_axe_clean(browser, live_server):
    from wagtail.models import Site

    admin = load_demo("nl")
    Site.objects.filter(is_default_site=True).update(port=int(live_server.url.rsplit(":", 1)[1]))
    pages = crawl_pages(admin)
    assert len(pages) >= MINIMUM_PAGES, [label for label, _ in pages]
    findings = []
    for width in WIDTHS:
        context, page = _log_in(browser, live_server.url, width)
        for label, path in pages:
            response = page.goto(live_server.url + path)
            where = f"{label} ({path}) at {width} px"
            if response.status != 200 or page.url != live_server.url + path:
                findings.append(f"{where}: HTTP {response.status}, ended on {page.url}")
                continue
            page.wait_for_load_state("networkidle")
            findings += [f"{where}: {finding}" for finding in axe_findings(page)]
            if width == 1280 and (overflow := page.evaluate(HORIZONTAL_SCROLL)) > 0:
                findings.append(f"{where}: scrolls {overflow} px sideways")
            if width == 1280 and (cut_off := page.evaluate(CUT_OFF)):
                findings.append(f"{where}: cut off on the right: {cut_off}")
        context.close()
    if os.environ.get("BALIE_AXE_DUMP"):  # a file to study the findings while fixing them
        Path(os.environ["BALIE_AXE_DUMP"]).write_text("\n".join(findings))
    assert not findings, f"{len(findings)} findings on {len(pages)} pages × {len(WIDTHS)} widths:\n" + "\n".join(
        findings
    )
