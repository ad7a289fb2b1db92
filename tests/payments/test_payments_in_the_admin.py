"""Amounts and payment methods as the admin's reader reads them (issue 15): one formatter, human labels."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from digitale_balie_plugin.models import Payment
from digitale_balie_plugin.payments.methods import method_label
from tests.admin_pages import client_for
from tests.payments.test_payments import clerk_client, paid, refund_command, request_  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def finance_client(django_user_model, language):
    user = django_user_model.objects.create_user(f"fin-{language}", password="pw")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_finance_report", "view_all_seats"])
    )
    return client_for(user, language)


@pytest.mark.parametrize(
    ("language", "amount", "method"),
    [
        ("nl", "€ 6.109,75", "KBC/CBC-betaalknop"),
        ("fr", "€ 6\u202f109,75", "Bouton de paiement KBC/CBC"),
        ("en", "€ 6,109.75", "KBC/CBC Payment Button"),
    ],
)
def test_the_finance_report_in_the_admins_language(paid, django_user_model, language, amount, method):  # noqa: F811
    Payment.objects.filter(pk=paid.pk).update(amount=Decimal("6109.75"), method="kbc")
    client = finance_client(django_user_model, language)
    page = client.get(reverse("digitale_balie_finance_report")).content.decode()
    assert amount.replace("\u202f", "") in page.replace("\u202f", "").replace("\xa0", "").replace("&nbsp;", "")
    assert "6109.75" not in page and "6109,75" not in page
    assert method in page and ">kbc<" not in page  # the column and the filter's choice
    csv = client.get(reverse("digitale_balie_finance_report"), {"export": "csv"})
    assert method in b"".join(csv.streaming_content).decode()


def test_unknown_methods_are_shown_as_they_are():
    assert method_label("") == "" and method_label("twint-x") == "twint-x"


def test_the_refund_field_shows_and_takes_the_admins_decimal(paid, phone_session, clerk):  # noqa: F811
    client = clerk_client(phone_session, clerk, "refund_payment")
    console = client.get(reverse("digitale_balie_console", args=[phone_session.seat_id])).content.decode()
    assert 'value="12,50"' in console and 'value="12.50"' not in console
    assert 'data-field="method">Bancontact<' in console
    assert refund_command(client, phone_session, paid, "twaalf").status_code == 400  # a reason, never a 500
    assert refund_command(client, phone_session, paid, "2.50").status_code == 200  # the dot is still read
    assert refund_command(client, phone_session, paid, "10,00").status_code == 200
    paid.refresh_from_db()
    assert paid.amount_refunded == Decimal("12.50")
