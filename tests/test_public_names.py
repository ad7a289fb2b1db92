"""What a site's developer names keeps working after the 0.2 restructuring: import paths of pages and blocks
(with a deprecation warning where they moved), URL names, signal names, settings paths, templates.

The lists below are the names of 0.1 (read from its URLconf, page routes, hooks and signals), so a rename
breaks this test instead of a city's site.
"""

from __future__ import annotations

import importlib
import sys
from types import SimpleNamespace

import pytest
from django.template.loader import get_template
from django.urls import reverse

from digitale_balie_plugin import checks as installed_apps_check
from digitale_balie_plugin import signals
from digitale_balie_plugin.checks import check_installed_apps
from digitale_balie_plugin.cms import blocks as cms_blocks
from digitale_balie_plugin.cms import models as cms_models

URL_NAMES = {
    "set_language": [],
    "sms_status": ["demo"],
    "payment_webhook": ["demo"],
    "demo_checkout": ["x"],
    "document_upload": [1],
    "document_download": [1],
    "signature_document": [1],
    "room_state": [1],
    "room_heartbeat": [1],
    "room_action": [1, 2],
    "identity_complete": ["balie-demo"],
    "identity_jwks": [],
    "seat_state": [1],
}
ADMIN_URL_NAMES = {
    "digitale_balie_book_on_behalf": [],
    "digitale_balie_choose_seat": [],
    "digitale_balie_case_retry": [1],
    "digitale_balie_finance_report": [],
    "digitale_balie_finance_report_results": [],
    "digitale_balie_integrations_status": [],
    "digitale_balie_dashboard": [],
    "digitale_balie_feedback_report": [],
    "digitale_balie_feedback_report_results": [],
    "digitale_balie_staff_survey": [],
    "digitale_balie_citizen_data": [],
    "digitale_balie_console": [1],
    "digitale_balie_open_contact": [1],
    "digitale_balie_session_command": [1, 2, "refund"],
}
PAGE_ROUTES = {
    "book": ["afval"],
    "book_details": ["afval"],
    "book_check": ["afval"],
    "confirmation": ["t" * 43],
    "manage": ["t" * 43],
    "cancel": ["t" * 43],
    "reschedule": ["t" * 43],
    "ics": ["t" * 43],
    "confirm_email": ["t" * 43],
    "join": ["t" * 43],
    "guest": ["t" * 43],
    "test_room": [],
    "invite_guest": [1],
    "walk_in": [],
    "room": [1],
    "device_test": [],
    "code": [],
    "take": ["t" * 43],
    "verify": [1],
    "verify_result": [1],
    "pay": [1],
    "pay_result": [1],
    "pay_status": [1],
    "documents": [1],
    "sign": [1],
    "form": [1],
    "page_feedback": [],
    "feedback": [1],
    "feedback_link": ["t" * 43],
}
SIGNALS = [
    "appointment_booked",
    "appointment_cancelled",
    "appointment_rescheduled",
    "call_started",
    "call_ended",
    "identity_verified",
    "identity_verification_failed",
    "payment_status_changed",
    "payment_refunded",
    "document_signed",
    "case_registered",
    "feedback_given",
    "action_status_changed",
]


def fresh_import(name: str):
    """Import ``name`` anew, so its module-level deprecation warning is raised again."""
    sys.modules.pop(name, None)
    return importlib.import_module(name)


@pytest.mark.parametrize("name", ["DigitalCounterPage", "ApplicationFormPage", "ApplicationFormField"])
def test_page_models_still_import_from_models_with_a_warning(name):
    from digitale_balie_plugin import models

    with pytest.warns(DeprecationWarning, match=f"digitale_balie_plugin.cms.models.{name}"):
        moved = getattr(models, name)
    assert moved is getattr(cms_models, name)


def test_an_unknown_name_of_models_is_still_an_attribute_error():
    from digitale_balie_plugin import models

    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018


def test_the_old_blocks_and_pages_modules_are_aliases_with_a_warning():
    with pytest.warns(DeprecationWarning, match="digitale_balie_plugin.cms.blocks"):
        old_blocks = fresh_import("digitale_balie_plugin.blocks")
    assert old_blocks.COUNTER_BLOCKS is cms_blocks.COUNTER_BLOCKS
    assert old_blocks.AppointmentBookingBlock is cms_blocks.AppointmentBookingBlock
    with pytest.warns(DeprecationWarning, match="digitale_balie_plugin.cms.models"):
        old_pages = fresh_import("digitale_balie_plugin.pages")
    assert old_pages.DigitalCounterPage is cms_models.DigitalCounterPage


@pytest.mark.parametrize(("name", "args"), URL_NAMES.items())
def test_url_names_of_the_package_still_reverse(name, args):
    assert reverse(f"digitale_balie:{name}", args=args).startswith("/digitale-balie/")


@pytest.mark.parametrize(("name", "args"), ADMIN_URL_NAMES.items())
def test_admin_url_names_still_reverse(name, args):
    assert reverse(name, args=args).startswith("/admin/digitale-balie/")


@pytest.mark.parametrize(("route", "args"), PAGE_ROUTES.items())
def test_counter_page_routes_keep_their_names(db, route, args):
    assert cms_models.DigitalCounterPage().reverse_subpage(route, args=args)


@pytest.mark.parametrize("name", SIGNALS)
def test_signals_keep_their_names_and_live_in_signals_py(name):
    from django.dispatch import Signal

    assert isinstance(getattr(signals, name), Signal)


def test_action_status_changed_is_the_same_signal_where_it_used_to_be():
    from digitale_balie_plugin.actions import service

    assert service.action_status_changed is signals.action_status_changed


def test_settings_paths_of_the_readme_and_example_site_import():
    for path in (
        "digitale_balie_plugin.live_middleware.LivePollMiddleware",
        "digitale_balie_plugin.security.CounterCSPMiddleware",
        "digitale_balie_plugin.security.CITIZEN_CSP",
        "digitale_balie_plugin.integrations.identity.itsme.ItsmeBackend",
        "digitale_balie_plugin.integrations.identity.fas.FasBackend",
        "digitale_balie_plugin.integrations.identity.oidc.OIDCVerificationBackend",
        "digitale_balie_plugin.integrations.identity.demo.DemoIdentityBackend",
    ):
        module, _, attribute = path.rpartition(".")
        assert getattr(importlib.import_module(module), attribute) is not None, path


@pytest.mark.parametrize(
    "template",
    [
        "digitale_balie/pages/digital_counter_page.html",
        "digitale_balie/pages/application_form_page.html",
        "digitale_balie/blocks/appointment_booking_block.html",
        "digitale_balie/citizen/details.html",
        "digitale_balie/console/counter.html",
        "digitale_balie/email/appointment.txt",
    ],
)
def test_template_names_sites_override_are_unchanged(template):
    assert get_template(template)


def test_a_site_without_the_pages_app_is_told_to_add_it(settings, monkeypatch):
    """(The settings the check reads are replaced in its module: changing INSTALLED_APPS for real reloads
    the whole app registry.)"""
    assert check_installed_apps(None) == []
    without = [app for app in settings.INSTALLED_APPS if app != "digitale_balie_plugin.cms"]
    monkeypatch.setattr(installed_apps_check, "settings", SimpleNamespace(INSTALLED_APPS=without))
    errors = check_installed_apps(None)
    assert [(message.id, message.msg) for message in errors] == [
        ("digitale_balie.E001", "'digitale_balie_plugin.cms' must be in INSTALLED_APPS.")
    ]
