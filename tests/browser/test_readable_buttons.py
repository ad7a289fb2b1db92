"""The counter page's main call to action is readable: every button-styled link has AA contrast (issue 15).

``.balie a { color }`` used to override the button's white text, leaving empty blue boxes. axe's colour-
contrast rule runs on the page (WCAG 2.1 AA tags) but reports text the colour of its background as
"incomplete", not as a violation, so it let this pass; the test measures each button's contrast itself.
"""

import pytest

from tests.browser.test_booking_journey import counter  # noqa: F401 - the live counter page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRAST = """
(element) => {
  const channel = (value) => {
    value /= 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (css) => { const [r, g, b] = css.match(/\\d+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  const style = getComputedStyle(element);
  const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}
"""


def test_booking_buttons_on_the_counter_page_are_readable(checked_page, counter):  # noqa: F811
    base, counter_page = counter
    page = checked_page.page
    page.goto(base + counter_page.url)
    buttons = page.locator("a.balie-button")
    assert buttons.count() >= 1
    for index in range(buttons.count()):
        ratio = buttons.nth(index).evaluate(CONTRAST)
        assert ratio >= 4.5, f"button {index}: contrast {ratio:.2f}:1"
    checked_page.axe("counter page with its booking buttons")


#: Text elements whose content runs past their own box or off the screen (a page may clip its overflow, so
#: the document's scroll width alone would not show it).
OFF_SCREEN = """
[...document.querySelectorAll('.balie h1, .balie h2, .balie h3, .balie p, .balie a, .balie label')]
  .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth + 1)
  .map((el) => el.tagName + ': ' + el.textContent.trim().slice(0, 40))
"""


def test_long_service_names_stay_on_a_390_px_phone(browser, counter):  # noqa: F811
    from digitale_balie_plugin.models import Service
    from tests.browser.conftest import PageChecker

    base, counter_page = counter
    Service.objects.filter(slug="identiteitskaart").update(
        name="Uittreksel bevolkingsregister: nationaliteitsverklaringsformulierenaanvraagbegeleidingsgesprek"
    )
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    checked = PageChecker(phone.new_page())
    for path in ["", "book/identiteitskaart/"]:
        checked.page.goto(base + counter_page.url + path)
        overflowing = checked.page.evaluate(OFF_SCREEN)
        assert not overflowing, f"{path or 'counter page'} at 390 px: {overflowing}"
        checked.axe(f"{path or 'counter page'} at 390 px")
    phone.close()
