"""Every package admin page, found rather than listed: the crawl of the axe browser test and of the
translated-headings test (issue 15).

The pages are read from the admin's URL patterns (every pattern named ``digitale_balie_…``: the package's
own screens and its wagtail-modeladmin screens) and from the package's registered site settings, and each one
is filled in with a real object of the demo data (``load_demo_content`` + ``load_demo_history``). A new admin
URL with an argument the crawl cannot fill in fails both tests until ``_arguments`` knows it.
"""

from __future__ import annotations

import inspect
from io import StringIO

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: The crawl must find at least this many pages, so it cannot silently crawl nothing (it finds 45).
MINIMUM_PAGES = 40

#: URL names that are no page to look at, each with its reason.
NOT_CRAWLED = {
    # The lead is redesigning the clerk's console in parallel (issue 15, "My counter"); its own browser test,
    # tests/browser/test_clerk_workspace.py, checks each of its states.
    "digitale_balie_console": "redesigned elsewhere, covered by test_clerk_workspace.py",
    # POST-only commands of the console (405 on GET): no page.
    "digitale_balie_open_contact": "POST only",
    "digitale_balie_session_command": "POST only",
    # The part of a report that its filters reload: crawled inside the report's own page.
    "digitale_balie_finance_report_results": "part of the finance report",
    "digitale_balie_feedback_report_results": "part of the feedback report",
}

ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin-demo-2026"  # the demo's superuser (load_demo_content)


def reads_admin_in(user, language: str):
    """Wagtail shows ``user`` the admin in ``language`` (their profile's preferred language)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def client_for(user, language: str):
    """A test client logged in as ``user``, who reads the admin in ``language``."""
    from django.test import Client

    client = Client()
    client.force_login(reads_admin_in(user, language))
    return client


def load_demo(language: str = "nl"):
    """The demo content and history; the demo superuser reads the admin in ``language``. Returns the user."""
    from django.contrib.auth import get_user_model

    from tests.factories import ensure_page_tree

    ensure_page_tree()  # after a transactional test's flush, the tree's root and the default locale are gone
    call_command("load_demo_content", stdout=StringIO())
    call_command("load_demo_history", stdout=StringIO())
    return reads_admin_in(get_user_model().objects.get(username=ADMIN_USERNAME), language)


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def package_url_patterns() -> list[URLPattern]:
    """Every admin URL pattern of the package: its own screens and its modeladmin screens."""
    return [pattern for pattern in _patterns(get_resolver().url_patterns) if pattern.name.startswith("digitale_balie_")]


def _objects() -> dict:
    """A real object of the demo data for each URL that needs one (the richest one where it matters)."""
    from digitale_balie_plugin.models import Appointment, CaseRecord, CounterSeat, Notification, Service

    return {
        "appointment": Appointment.objects.filter(notifications__isnull=False).order_by("-start").first(),
        "caserecord": CaseRecord.objects.exclude(attempts=0).order_by("-pk").first(),
        "service": Service.objects.canonical().filter(needs_payment=True).first(),
        "counterseat": CounterSeat.objects.canonical().first(),
        "notification": Notification.objects.exclude(delivery_status="").first(),
    }


def _modeladmin_pages(pattern, user, objects) -> list[tuple[str, str]]:
    """The pages of one modeladmin URL the superuser may open (read-only screens offer no add/edit/delete)."""
    model_admin = inspect.unwrap(pattern.callback).__self__  # Wagtail wraps it in its admin-access check
    action = pattern.name.rsplit("_", 1)[1]
    model = model_admin.model
    helper = model_admin.permission_helper
    if action == "index":
        return [(pattern.name, reverse(pattern.name))] if helper.user_can_list(user) else []
    if action == "create":
        return [(pattern.name, reverse(pattern.name))] if helper.user_can_create(user) else []
    instance = objects.get(model._meta.model_name) or model._default_manager.order_by("-pk").first()
    assert instance is not None, f"the demo data has no {model._meta.verbose_name} for {pattern.name}"
    allowed = {
        "edit": helper.user_can_edit_obj,
        "delete": helper.user_can_delete_obj,
        "inspect": helper.user_can_inspect_obj,
        "history": helper.user_can_edit_obj,
    }[action](user, instance)
    return [(pattern.name, reverse(pattern.name, args=[instance.pk]))] if allowed else []


def _arguments(objects) -> dict[str, list[tuple[str, str]]]:
    """The package's own screens that take arguments or show more with a query string: (label, path)."""
    from digitale_balie_plugin.models import CaseRecord

    failed = CaseRecord.objects.filter(status__in=["pending", "failed"]).first() or objects["caserecord"]
    book = reverse("digitale_balie_book_on_behalf")
    return {
        "digitale_balie_book_on_behalf": [
            ("book for a citizen: choose a service", book),
            ("book for a citizen: the slot list", f"{book}?service={objects['service'].pk}"),
        ],
        "digitale_balie_cancel_flood": [
            ("cancel many bookings: choose", reverse("digitale_balie_cancel_flood")),
            (
                "cancel many bookings: the preview",
                f"{reverse('digitale_balie_cancel_flood')}?service={objects['service'].pk}",
            ),
        ],
        "digitale_balie_clear_walk_ins": [
            (
                "remove waiting walk-ins: confirm",
                reverse("digitale_balie_clear_walk_ins", args=[objects["counterseat"].pk]),
            )
        ],
        "digitale_balie_case_retry": [("retry a case record", reverse("digitale_balie_case_retry", args=[failed.pk]))],
        "digitale_balie_translate": [
            (f"translations of a {name}", reverse("digitale_balie_translate", args=[name, objects[name].pk]))
            for name in ("service", "counterseat")
        ],
    }


def crawl_pages(user) -> list[tuple[str, str]]:
    """(label, path) of every package admin page, with demo objects filled in."""
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.models import Site

    objects = _objects()
    arguments = _arguments(objects)
    pages = [("Wagtail's dashboard with the package's panels", reverse("wagtailadmin_home"))]
    for pattern in package_url_patterns():
        if pattern.name in NOT_CRAWLED:
            continue
        if "_modeladmin_" in pattern.name:
            pages += _modeladmin_pages(pattern, user, objects)
        elif pattern.name in arguments:
            pages += arguments[pattern.name]
        else:
            assert not pattern.pattern.regex.groups, f"{pattern.name} takes arguments: add it to _arguments()"
            pages.append((pattern.name, reverse(pattern.name)))
    for model in settings_registry:
        if model._meta.app_label == "digitale_balie":
            site = Site.objects.get(is_default_site=True)
            path = reverse("wagtailsettings:edit", args=[model._meta.app_label, model._meta.model_name, site.pk])
            pages.append((f"settings: {model._meta.model_name}", path))
    return pages
