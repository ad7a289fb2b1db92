"""No input produces a 500: random form data against every citizen endpoint."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digitale_balie_plugin.booking import service as booking
from tests.fixtures import at

pytestmark = pytest.mark.django_db

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
FIELDS = ["slot", "channel", "name", "email", "phone", "language", "question", "sms_consent", "from"]


@pytest.fixture
def manage_url(counter_page, service, seat):
    result = booking.book_appointment(service, at(9, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    return counter_page.url + f"manage/{result.manage_token}/"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(FIELDS), TEXT))
def test_random_input_never_breaks_anything(client, counter_page, manage_url, data):
    book = counter_page.url + "book/identiteitskaart/"
    for method, url, ok in [
        ("get", book, {200}),
        ("get", book + "details/", {200, 400, 409}),
        ("post", book + "details/", {303, 400, 409, 429}),
        ("get", book + "check/", {200, 303, 400}),
        ("post", book + "check/", {200, 303, 400, 409, 429}),
        ("post", manage_url + "reschedule/", {200, 302, 400, 409}),
        ("get", manage_url + "reschedule/", {200, 302}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code in ok, (method, url, data, response.status_code)
