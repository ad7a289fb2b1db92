"""The package's admin screens work under ADMIN_CSP: no violations on the screens clerks and managers use.

Wagtail's own admin screens keep the site's policy (the example site excludes ``/admin/`` from its own), so
they carry no package policy at all."""

import pytest

from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_screens_without_csp_violations(checked_page, live_server, django_user_model):
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site)
    seat = SeatFactory(services_for=service)
    django_user_model.objects.create_superuser("beheerder", "b@example.be", "geheim-wachtwoord")
    page = checked_page.page
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "beheerder")
    page.fill("#id_password", "geheim-wachtwoord")
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/")
    response = page.goto(live_server.url + "/admin/")
    assert "content-security-policy" not in response.headers  # Wagtail's own screen: the site's business
    for path in [
        f"/admin/digitale-balie/book/?service={service.pk}",
        f"/admin/digitale-balie/counter/{seat.pk}/",
        "/admin/digitale-balie/figures/",
        "/admin/digitale-balie/payments/",
        "/admin/digitale-balie/feedback/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy, path
        page.wait_for_load_state("networkidle")
    for path in ["/admin/digitale_balie/appointment/", f"/admin/digitale_balie/counterseat/edit/{seat.pk}/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert not checked_page.csp_violations, checked_page.csp_violations
