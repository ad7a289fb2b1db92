"""Retention: with time moved forward, exactly what has expired is deleted or anonymised, per site."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from digitale_balie_plugin.models import (
    AccessToken,
    AuditEvent,
    CounterSettings,
    Notification,
    ParticipantAccess,
    WaitingRoomMessage,
)
from digitale_balie_plugin.models.audit import AppendOnlyError
from digitale_balie_plugin.retention.job import apply_retention
from tests.factories import SeatFactory, ServiceFactory, SiteFactory
from tests.fixtures import NOW
from tests.retention.citizen_data import citizen

pytestmark = pytest.mark.django_db(transaction=True)

#: Site B keeps everything for a shorter, different time than site A (the defaults).
SHORT = {
    "appointment_retention_days": 10,
    "session_retention_days": 20,
    "notes_retention_days": 5,
    "identity_retention_days": 3,
    "document_retention_days": 7,
    "payment_retention_days": 14,
    "feedback_retention_days": 40,
}
DEFAULTS = {
    "appointment_retention_days": 90,
    "session_retention_days": 90,
    "notes_retention_days": 90,
    "identity_retention_days": 30,
    "document_retention_days": 30,
    "payment_retention_days": 30,
    "feedback_retention_days": 365,
}
#: kind → (settings field, "is it still personal?")
KINDS = {
    "appointments": ("appointment_retention_days", lambda f: f.appointment.email != ""),
    "sessions": ("session_retention_days", lambda f: f.session.citizen_name != ""),
    "notes": ("notes_retention_days", lambda f: f.session.notes != "" and f.case.payload["notes"] != ""),
    "identities": ("identity_retention_days", lambda f: f.verification.given_name != ""),
    "documents": ("document_retention_days", lambda f: f.document.deleted_at is None),
    "submissions": ("document_retention_days", lambda f: f.submission.data != {}),
    "signatures": ("document_retention_days", lambda f: f.signature.signer_name != ""),
    "payments": ("payment_retention_days", lambda f: f.payment.receipt_email != ""),
    "feedback": ("feedback_retention_days", lambda f: f.feedback.comment != ""),
}


@pytest.fixture(autouse=True)
def documents_root(tmp_path):
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path / "docs")}):
        yield tmp_path / "docs"


def site_with(periods, **site):
    site = SiteFactory(**site)
    CounterSettings.objects.update_or_create(site=site, defaults=periods)
    service = ServiceFactory(site=site)
    return citizen(
        site,
        service,
        SeatFactory(services_for=service),
        marker=site.hostname,
        email="x@example.be",
        number="85041212369",
    )


@pytest.fixture
def footprints(db):
    return {"a": site_with(DEFAULTS, is_default_site=True, hostname="localhost"), "b": site_with(SHORT)}


def refreshed(footprint):
    for row in (
        footprint.appointment,
        footprint.session,
        footprint.verification,
        footprint.document,
        footprint.submission,
        footprint.signature,
        footprint.payment,
        footprint.feedback,
        footprint.case,
    ):
        row.refresh_from_db()
    return footprint


def still_personal(footprint) -> dict[str, bool]:
    refreshed(footprint)
    return {kind: check(footprint) for kind, (_field, check) in KINDS.items()}


def boundaries():
    """One day before and one day after every period of both sites."""
    days = set(SHORT.values()) | set(DEFAULTS.values())
    return sorted({d - 1 for d in days} | {d + 1 for d in days})


def test_exactly_what_has_expired_is_cleared_day_by_day(footprints, frozen_now):
    periods = {"a": DEFAULTS, "b": SHORT}
    assert all(all(still_personal(f).values()) for f in footprints.values())
    for elapsed in boundaries():
        frozen_now.move_to(NOW + timedelta(days=elapsed))
        apply_retention()
        for name, footprint in footprints.items():
            expected = {kind: elapsed < periods[name][field] for kind, (field, _check) in KINDS.items()}
            assert still_personal(footprint) == expected, (name, elapsed)


def test_a_run_reports_what_it_did_and_a_second_run_changes_nothing(footprints, frozen_now):
    frozen_now.move_to(NOW + timedelta(days=8))  # site B: notes, identities, documents (and forms, signatures)
    counts = apply_retention()
    assert counts == {
        "appointments": 0,
        "sessions": 0,
        "notes": 2,  # the conversation and its delivered case record
        "identities": 1,
        "documents": 1,
        "summaries": 0,  # no summary link here: tests/summary checks them
        "submissions": 1,
        "signatures": 1,
        "payments": 0,
        "feedback": 0,
        "audit_events": 0,
    }
    event = AuditEvent.objects.filter(action="retention.applied").latest("timestamp")
    assert event.data == counts and event.actor_label == "system"
    assert "x@example.be" not in str(event.data) and "85041212369" not in str(event.data)
    assert set(apply_retention().values()) == {0}
    assert AuditEvent.objects.filter(action="retention.applied").count() == 2


def test_what_stays_after_everything_expired(footprints, frozen_now, documents_root):
    frozen_now.move_to(NOW + timedelta(days=400))
    apply_retention()
    for footprint in map(refreshed, footprints.values()):
        appointment, session = footprint.appointment, footprint.session
        assert (appointment.citizen_name, appointment.email, appointment.phone, appointment.question) == ("",) * 4
        assert appointment.status == "booked" and appointment.service_id and appointment.seat_id
        assert appointment.personal_data_deleted_at and session.personal_data_deleted_at
        assert (session.citizen_name, session.contact, session.notes) == ("", "", "")
        assert session.status == "ended" and session.outcome == "resolved" and session.channel == "video"
        assert footprint.case.payload == {"notes": "", "outcome": "resolved"}
        assert footprint.verification.national_number_hash == "" and footprint.verification.level == "high"
        payment = footprint.payment
        assert payment.receipt_email == "" and payment.amount == 12.5 and payment.status == "paid"
        feedback = footprint.feedback
        assert (feedback.comment, feedback.contact_name, feedback.contact_email, feedback.session) == ("", "", "", None)
        assert (feedback.satisfaction, feedback.ease, feedback.service_id) == (4, 5, footprint.session.service_id)
        assert footprint.document.deleted_reason == "retention"
    assert not AccessToken.objects.exists() and not WaitingRoomMessage.objects.exists()
    assert not ParticipantAccess.objects.exists() and not Notification.objects.exclude(error="").exists()
    assert not [path for path in documents_root.rglob("*") if path.is_file()]


def test_a_case_record_still_waiting_for_the_crm_keeps_its_notes(footprints, frozen_now):
    case = footprints["b"].case
    type(case).objects.filter(pk=case.pk).update(status="failed")
    frozen_now.move_to(NOW + timedelta(days=6))
    apply_retention()
    case.refresh_from_db()
    assert case.payload["notes"] and refreshed(footprints["b"]).session.notes == ""


# --- the audit log ----------------------------------------------------------------------------------


def audit_event_at(when, frozen_now, action):
    frozen_now.move_to(when)
    event = AuditEvent.objects.create(action=action, object_type="test", object_id="1")
    frozen_now.move_to(NOW)
    return event


def test_audit_events_are_kept_for_their_own_period_and_stay_append_only(db, frozen_now):
    old = audit_event_at(NOW - timedelta(days=1826), frozen_now, "test.old")
    recent = audit_event_at(NOW - timedelta(days=1824), frozen_now, "test.recent")
    assert apply_retention()["audit_events"] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=recent.pk).exists()
    purged = AuditEvent.objects.get(action="audit.purged")
    assert purged.data == {"count": 1, "older_than_days": 1825}
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=recent.pk).delete()
    with pytest.raises(AppendOnlyError):
        recent.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=recent.pk).update(action="changed")
    assert apply_retention()["audit_events"] == 0


def test_the_audit_period_is_an_app_setting(db, frozen_now):
    event = audit_event_at(NOW - timedelta(days=11), frozen_now, "test.old")
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "AUDIT_RETENTION_DAYS": 10}):
        assert apply_retention()["audit_events"] == 1
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


# --- the dashboard's figures ------------------------------------------------------------------------


def test_the_dashboards_figures_for_the_period_stay_the_same(footprints, frozen_now):
    from digitale_balie_plugin.dashboard.metrics import figures

    period = (NOW.date() - timedelta(days=1), NOW.date() + timedelta(days=1))
    sites = {name: footprint.session.site for name, footprint in footprints.items()}
    before = {name: figures(site, *period).as_dict() for name, site in sites.items()}
    assert before["b"]["conversations"]["video"] == 1 and before["b"]["satisfaction"] == 4.0  # something to keep
    assert before["b"]["success"]["verification"] == {"part": 1, "whole": 1}
    frozen_now.move_to(NOW + timedelta(days=400))
    assert apply_retention()["feedback"] == 2  # everything of both sites has expired
    assert {name: figures(site, *period).as_dict() for name, site in sites.items()} == before
