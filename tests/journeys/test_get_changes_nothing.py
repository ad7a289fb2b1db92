"""Issue 16: opening a link changes nothing. Mail and SMS link scanners open (``HEAD``, ``GET``) every link a
message holds, before the citizen does; a link that acted on a GET would be used up, or would make the scanner
"the citizen".

Every link the package sends or shows a citizen is opened here by a stranger's browser, with ``HEAD`` and with
``GET``, and every row of the package's tables must be as it was. One exception, on purpose and documented:
the first opening of a link that came from one of our messages (``?n=``) is noted on that message, so the
clerk sees "opened" — a hint that can be wrong (a scanner), never a grant.
"""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions import service as actions
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.links import session_link
from digitale_balie_plugin.models import CallSession, FeedbackInvitation, Outcome, SummaryLink
from digitale_balie_plugin.models.choices import BookedVia
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)  # messages (with their links) go on commit

#: The one field a GET may write: the reading mark of the message a link came from.
READ_MARKS = {("Notification", "opened_at")}
LINK = re.compile(r"https?://[^/\s\"'<>]+(/[^\s\"'<>]*)")


def snapshot() -> dict:
    """Every row of every table of the package, minus the reading marks."""
    rows = {}
    for model in apps.get_app_config("digitale_balie").get_models():
        fields = [f.attname for f in model._meta.concrete_fields if (model.__name__, f.name) not in READ_MARKS]
        rows[model.__name__] = sorted(map(repr, model.objects.values_list(*fields)))
    return rows


@pytest.fixture
def links(service, seat, counter_page, clerk):
    """Every kind of link a citizen or guest gets: mails, SMS, take links, guest, summary, survey."""
    details = booking.CitizenDetails(name="An Peeters", email="an@example.be", phone="+32470123456", sms_consent=True)
    booking.book_appointment(service, at(7, 10), details)
    phoned = booking.CitizenDetails(name="Jan", email="jan@example.be")
    booking.book_appointment(service, at(7, 11), phoned, channel="phone", booked_via=BookedVia.PHONE, booked_by=clerk)
    found = {
        path
        for message in mail.outbox
        for body in [message.body, *[a[0] for a in message.alternatives]]
        for path in LINK.findall(body)
    }

    appointment = booking.book_appointment(service, at(8, 10), booking.CitizenDetails(name="Els", email="e@x.be"))
    session = sessions.session_for_appointment(appointment.appointment)
    verify = actions.create_action(session, "verify_identity", {}, by_user=clerk)
    found.add(LINK.match(session_link(session, "take", handover.link_token(verify))).group(1))
    found.add(LINK.match(session_link(session, "guest", sessions.invite_guest(session, "Tolk"))).group(1))

    ended = sessions.open_contact(seat, channel="phone", clerk=clerk, citizen_name="Piet", service=service)
    sessions.end_call(ended, clerk, outcome=Outcome.RESOLVED)
    found.add(counter_page.url + f"summary/{SummaryLink.issue(ended, 30)[0]}/")
    invitation, _row = FeedbackInvitation.issue(CallSession.objects.get(pk=ended.pk), timedelta(days=7))
    found.add(counter_page.url + f"feedback/link/{invitation}/")
    return sorted(path for path in found if not path.startswith("/static/"))


def test_no_link_changes_anything_when_opened(links):
    routes = {re.sub(r"/[\w-]{20,}/", "/<token>/", path.split("?")[0]) for path in links}
    assert len(routes) >= 8, routes  # manage, join, calendar, confirm-email, take, guest, summary, survey, …
    before = snapshot()
    for path in links:
        for method in ("head", "get"):
            response = getattr(Client(), method)(path)
            assert response.status_code < 500, (method, path, response.status_code)
    assert snapshot() == before
