"""What the counter does with a verified identity: compare, minimise, store, audit, forget in time."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import override_settings

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action, expire_overdue
from digitale_balie_plugin.identity import national_number
from digitale_balie_plugin.identity import service as identity_service
from digitale_balie_plugin.identity.presentation import clerk_view
from digitale_balie_plugin.integrations.identity.base import VerifiedIdentity
from digitale_balie_plugin.models import ActionStatus, AuditEvent, FailureReason, IdentityVerification
from digitale_balie_plugin.retention.job import apply_retention
from digitale_balie_plugin.signals import identity_verification_failed, identity_verified

pytestmark = pytest.mark.django_db

JAN = "85041212369"


def request_verification(session, clerk, **expected):
    action = create_action(session, "verify_identity", expected, by_user=clerk)
    return IdentityVerification.objects.select_related("action__session__site").get(action=action)


def identity(**overrides):
    values = {
        "provider": "balie-itsme",
        "subject": "pairwise-1",
        "acr": "http://itsme.services/v2/claim/acr_advanced",
        "level": "high",
        "given_name": "Jan",
        "family_name": "Peeters",
        "birth_date": date(1985, 4, 12),
        "national_number": JAN,
    }
    values.update(overrides)
    return VerifiedIdentity(**values)


def test_national_numbers_checksum_birth_date_and_keyed_hash():
    assert national_number.is_valid("85.04.12-123.69") and not national_number.is_valid("85041212368")
    assert national_number.is_valid("03011520130")  # born in 2003: the "2" prefix
    assert national_number.birth_date("03011520130") == date(2003, 1, 15)
    assert national_number.birth_date(JAN) == date(1985, 4, 12)
    digest = national_number.keyed_hash("85.04.12-123.69")
    assert digest == national_number.keyed_hash(JAN) and JAN not in digest and len(digest) == 64
    with override_settings(DIGITALE_BALIE={"IDENTITY_HASH_KEY": "another key"}):
        assert national_number.keyed_hash(JAN) != digest  # a stolen table is useless without the key


@pytest.mark.parametrize(
    ("expected", "official", "same"),
    [
        ("Jan Peeters", "Jan Peeters", True),
        ("peeters jan", "Jan Peeters", True),
        ("Anne-Marie Van den Broeck", "Anne Marie Van den Broeck", True),
        ("Zoë Dubois", "Zoe Dubois", True),
        ("Jan", "Jan Peeters", False),
        ("Jan Janssens", "Jan Peeters", False),
    ],
)
def test_names_compare_without_case_accents_order_or_hyphens(expected, official, same):
    assert identity_service.same_name(expected, official) is same


def test_a_match_completes_and_stores_no_number_in_clear(phone_session, clerk):
    verification = request_verification(phone_session, clerk, expected_national_number=JAN)
    received = []
    identity_verified.connect(lambda **kw: received.append(kw["verification"].pk), weak=False, dispatch_uid="t1")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.db.transaction.on_commit", lambda func, **kw: func())
            assert identity_service.complete(verification, identity())
    finally:
        identity_verified.disconnect(dispatch_uid="t1")
    verification.refresh_from_db()
    assert verification.action.status == ActionStatus.COMPLETED
    assert verification.matches_expected is True and verification.level == "high"
    assert received == [verification.pk]
    assert AuditEvent.objects.filter(action="identity.verified", object_id=str(verification.pk)).exists()
    with connection.cursor() as cursor:  # nowhere in the tables we write: not in clear
        for table in (
            "digitale_balie_identityverification",
            "digitale_balie_incallaction",
            "digitale_balie_auditevent",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert JAN not in repr(cursor.fetchall())


def test_another_person_fails_as_a_mismatch(phone_session, clerk):
    verification = request_verification(phone_session, clerk, expected_name="Fatima El Amrani")
    failures = []
    identity_verification_failed.connect(lambda **kw: failures.append(kw["reason"]), weak=False, dispatch_uid="t2")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.db.transaction.on_commit", lambda func, **kw: func())
            identity_service.complete(verification, identity())
    finally:
        identity_verification_failed.disconnect(dispatch_uid="t2")
    verification.refresh_from_db()
    assert verification.action.status == ActionStatus.FAILED
    assert verification.failure_reason == FailureReason.MISMATCH and verification.matches_expected is False
    assert failures == [FailureReason.MISMATCH]
    assert clerk_view(verification.action)["identity"]["matches_expected"] is False


def test_a_level_below_the_service_level_fails_and_keeps_no_personal_data(phone_session, clerk, service):
    service.identity_level = "high"
    service.save()
    verification = request_verification(phone_session, clerk, required_level="substantial")
    assert verification.required_level == "high"  # the service's level is the floor
    identity_service.complete(
        verification, identity(level="substantial", acr="http://itsme.services/v2/claim/acr_basic")
    )
    verification.refresh_from_db()
    assert verification.failure_reason == FailureReason.LEVEL_TOO_LOW
    assert verification.given_name == "" and verification.national_number_hash == ""
    assert verification.action.status == ActionStatus.FAILED


def test_the_clerk_sees_only_what_the_service_needs(phone_session, clerk, service):
    service.identity_data = "match_only"
    service.save()
    verification = request_verification(phone_session, clerk, expected_birth_date=date(1985, 4, 12))
    complete_as_jan(verification)
    view = clerk_view(verification.action)["identity"]
    assert view["name"] == "" and view["birth_date"] is None and view["matches_expected"] is True


def complete_as_jan(verification):
    identity_service.complete(verification, identity())
    verification.refresh_from_db()


def test_the_clerk_panel_shows_code_link_and_qr_while_open(phone_session, clerk):
    verification = request_verification(phone_session, clerk)
    code = handover.issue_code(verification.action)
    view = clerk_view(verification.action)["handover"]
    assert view["code"] == handover.format_code(code)
    assert "/take/" in view["link"] and view["qr_svg"].startswith("<svg") and "style=" not in view["qr_svg"]


def test_an_expired_request_says_so(phone_session, clerk, frozen_now):
    verification = request_verification(phone_session, clerk)
    frozen_now.shift(timedelta(minutes=31))
    assert expire_overdue() == 1
    verification.refresh_from_db()
    assert verification.failure_reason == FailureReason.EXPIRED


def test_verified_identities_are_cleared_after_the_retention_period(phone_session, clerk, frozen_now):
    verification = request_verification(phone_session, clerk, expected_name="Jan Peeters")
    complete_as_jan(verification)
    frozen_now.shift(timedelta(days=29))
    assert apply_retention()["identities"] == 0
    frozen_now.shift(timedelta(days=2))
    assert apply_retention()["identities"] == 1
    verification.refresh_from_db()
    assert verification.given_name == verification.family_name == verification.expected_name == ""
    assert verification.birth_date is None and verification.national_number_hash == ""
    assert verification.level == "high" and verification.action.status == ActionStatus.COMPLETED  # counts stay
    assert AuditEvent.objects.filter(action="retention.applied", data__identities=1).exists()
    assert apply_retention()["identities"] == 0  # idempotent
