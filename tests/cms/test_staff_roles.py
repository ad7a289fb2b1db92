"""Staff roles: the package's permissions on Wagtail's Groups page, and the groups ``balie_staff_groups`` makes.

The role tests log in as a member of each group and open the screens: a role is only right if its people
get exactly their screens, whatever the permission list says.
"""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as lazy
from wagtail.models import GroupPagePermission, Page

from digitale_balie_plugin.booking.admin_views import PERMISSION as BOOK_ON_BEHALF
from digitale_balie_plugin.cases.admin_views import PERMISSION as CASE_RETRY
from digitale_balie_plugin.cms import roles
from digitale_balie_plugin.cms.permissions import custom_permission_codenames
from digitale_balie_plugin.dashboard.views import PERMISSION as DASHBOARD
from digitale_balie_plugin.feedback.admin_views import PERMISSION as FEEDBACK_REPORT
from digitale_balie_plugin.feedback.admin_views import TEXT_PERMISSION as FEEDBACK_TEXT
from digitale_balie_plugin.payments.action import REFUND_PERMISSION as REFUND
from digitale_balie_plugin.payments.admin_views import PERMISSION as FINANCE_REPORT
from digitale_balie_plugin.retention.admin_views import PERMISSION as CITIZEN_DATA
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

#: Named here, not read from the models: a permission that disappears or is renamed must fail a test.
PACKAGE_PERMISSIONS = {
    "book_on_behalf",
    "cancel_in_bulk",
    "work_at_counter",
    "refund_payment",
    "manage_personal_data",
    "view_counter_dashboard",
    "view_feedback_report",
    "view_feedback_text",
    "view_finance_report",
    "view_all_seats",
}

CONSOLE = "/admin/digitale-balie/counter/"
BOOK = "/admin/digitale-balie/book/"
APPOINTMENTS = "/admin/digitale_balie/appointment/"
MANAGER_SCREENS = [
    "/admin/digitale-balie/figures/",
    "/admin/digitale-balie/feedback/",
    "/admin/digitale-balie/payments/",
    "/admin/digitale-balie/citizen-data/",
    "/admin/digitale_balie/channelcount/create/",
    "/admin/digitale_balie/caserecord/",
    "/admin/digitale_balie/auditevent/",
    "/admin/digitale-balie/cancel-flood/",
]
EDITOR_SCREENS = [
    "/admin/digitale_balie/service/create/",
    "/admin/digitale_balie/counterseat/create/",
    "/admin/digitale_balie/closure/create/",
]


def run(*args) -> str:
    out = io.StringIO()
    call_command("balie_staff_groups", *args, stdout=out)
    return out.getvalue()


def group_name(key: str, language: str = "nl") -> str:
    """The name the command gives a role's group (the example site's LANGUAGE_CODE is nl)."""
    with translation.override(language):
        return str(roles.ROLES[key].name)


def member(django_user_model, key: str):
    user = django_user_model.objects.create_user(f"{key}-member", password="pw")
    user.groups.add(Group.objects.get(name=group_name(key)))
    return user


def refused(client, url) -> bool:
    """Wagtail answers a refused admin screen with a redirect to the admin's home page (and a message)."""
    response = client.get(url)
    return response.status_code == 302 and response.url == "/admin/"


def role_state() -> dict:
    """Every group with its permissions and page permissions, to compare two runs."""
    return {
        group.name: (
            sorted(group.permissions.values_list("codename", flat=True)),
            sorted(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename")),
        )
        for group in Group.objects.all()
    }


# --- the Groups page ------------------------------------------------------------------------------------------


def test_the_models_declare_the_package_permissions():
    assert set(custom_permission_codenames()) == PACKAGE_PERMISSIONS


def test_the_groups_page_offers_every_package_permission_with_its_whole_translated_label(admin_client):
    html = admin_client.get("/admin/groups/new/").content.decode()
    permissions = Permission.objects.filter(content_type__app_label="digitale_balie", codename__in=PACKAGE_PERMISSIONS)
    assert permissions.count() == len(PACKAGE_PERMISSIONS)
    for permission in permissions:
        assert f'name="permissions" value="{permission.pk}"' in html, permission.codename
        with translation.override("nl"):
            label = gettext(permission.name)  # Dutch where the catalogue has it; never cut short
        assert escape(label) in html, label
    assert "Kan aan een loket werken" in html  # the admin speaks the site's language
    assert "Can read what citizens wrote in their" not in html


def test_a_role_group_shows_its_permissions_ticked(admin_client):
    run("--role", "managers")
    group = Group.objects.get(name=group_name("managers"))
    html = admin_client.get(f"/admin/groups/edit/{group.pk}/").content.decode()
    for codename in ("view_feedback_text", "refund_payment", "manage_personal_data", "view_counter_dashboard"):
        permission = Permission.objects.get(content_type__app_label="digitale_balie", codename=codename)
        assert f'value="{permission.pk}" checked' in html, codename


def test_the_relabelling_migration_renames_the_old_label():
    migration = importlib.import_module("digitale_balie_plugin.migrations.0004_feedback_text_permission_label")
    permission = Permission.objects.get(codename="view_feedback_text")
    Permission.objects.filter(pk=permission.pk).update(name=migration.OLD)
    migration.relabel(migration.OLD, migration.NEW)(django_apps, None)
    permission.refresh_from_db()
    assert permission.name == migration.NEW == "Can read feedback comments and contact details"


# --- what the roles hold --------------------------------------------------------------------------------------


def test_every_package_permission_belongs_to_a_role():
    granted = {name for role in roles.ROLES.values() for name in role.permissions}
    assert {f"digitale_balie.{codename}" for codename in PACKAGE_PERMISSIONS} <= granted


def test_the_screens_check_the_permissions_the_roles_grant():
    assert {BOOK_ON_BEHALF, "digitale_balie.work_at_counter"} <= set(roles.CLERKS.permissions)
    manager = set(roles.MANAGERS.permissions)
    assert {DASHBOARD, FEEDBACK_REPORT, FEEDBACK_TEXT, FINANCE_REPORT, REFUND, CITIZEN_DATA, CASE_RETRY} <= manager
    assert not {BOOK_ON_BEHALF, "digitale_balie.work_at_counter"} & manager  # roles add up, they do not copy


# --- each role at work ----------------------------------------------------------------------------------------


def test_a_clerk_works_at_the_seats_of_the_group_and_sees_no_reports(client, django_user_model, seat, counter_page):
    run("--all-seats")
    clerk = member(django_user_model, "clerks")
    client.force_login(clerk)
    assert client.get(CONSOLE).url == f"{CONSOLE}{seat.pk}/"  # one seat: straight to it
    assert client.get(f"{CONSOLE}{seat.pk}/").status_code == 200
    assert client.get(BOOK).status_code == 200
    assert client.get(APPOINTMENTS).status_code == 200
    assert client.get("/admin/digitale_balie/service/").status_code == 200
    for url in [*MANAGER_SCREENS, *EDITOR_SCREENS, f"/admin/pages/{counter_page.pk}/edit/"]:
        assert refused(client, url), url


def test_without_the_seat_the_clerk_role_opens_no_console(client, django_user_model, seat):
    run("--role", "clerks")
    client.force_login(member(django_user_model, "clerks"))
    assert refused(client, CONSOLE)
    assert client.get(f"{CONSOLE}{seat.pk}/").status_code == 404
    assert client.get(BOOK).status_code == 200


def test_a_manager_sees_figures_feedback_payments_and_citizen_data_but_no_console(
    client, django_user_model, site, seat
):
    run()
    client.force_login(member(django_user_model, "managers"))
    for url in [*MANAGER_SCREENS, APPOINTMENTS, f"/admin/settings/digitale_balie/countersettings/{site.pk}/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/digitale_balie/closure/create/").status_code == 200
    assert client.get(f"{CONSOLE}{seat.pk}/").status_code == 404
    for url in [CONSOLE, BOOK, "/admin/digitale_balie/service/create/"]:
        assert refused(client, url), url


def test_a_web_editor_edits_the_counter_page_and_the_offer_only(client, django_user_model, site, seat, counter_page):
    run()
    editor = member(django_user_model, "editors")
    client.force_login(editor)
    for url in [*EDITOR_SCREENS, f"/admin/digitale_balie/counterseat/edit/{seat.pk}/"]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/pages/{counter_page.pk}/edit/").status_code == 200
    assert counter_page.permissions_for_user(editor).can_publish()
    assert not site.root_page.permissions_for_user(editor).can_edit()
    for url in [CONSOLE, BOOK, APPOINTMENTS, *MANAGER_SCREENS[:4]]:
        assert refused(client, url), url


# --- the command ----------------------------------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_says_so(seat, counter_page):
    first = run("--all-seats")
    assert first.count(": created.") == 3 and "page permissions added: change_page on Digitale balie" in first
    state = role_state()
    second = run("--all-seats")
    assert role_state() == state
    assert second.count(": up to date.") == 3 and "added" not in second.replace("already on every seat", "")
    assert "already on every seat" in second


def test_an_existing_group_keeps_what_the_city_added_unless_reset(django_user_model, seat):
    group = Group.objects.create(name=group_name("clerks"))
    group.permissions.add(Permission.objects.get(codename="refund_payment"))
    clerk = django_user_model.objects.create_user("an", password="pw")
    clerk.groups.add(group)

    out = run("--role", "clerks")
    assert Group.objects.get(name=group_name("clerks")).pk == group.pk and clerk.groups.get() == group
    assert "updated" in out and "kept, not part of the role" in out and "digitale_balie.refund_payment" in out
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"refund_payment", "work_at_counter", "book_on_behalf", "access_admin"} <= codenames

    out = run("--role", "clerks", "--reset")
    assert "removed: digitale_balie.refund_payment" in out
    assert not group.permissions.filter(codename="refund_payment").exists()
    assert group.permissions.filter(codename="work_at_counter").exists()


def test_a_dry_run_saves_nothing(seat, counter_page):
    out = run("--all-seats", "--dry-run")
    assert ": created." in out and out.rstrip().endswith("Dry run: nothing was saved.")
    assert not Group.objects.filter(name=group_name("clerks")).exists()
    assert not seat.clerk_groups.exists()


def test_editors_get_counter_pages_made_after_the_first_run(db):
    assert "No counter page or application form yet" in run("--role", "editors")
    site = SiteFactory()
    out = run("--role", "editors")
    page = Page.objects.get(url_path__startswith=site.root_page.url_path, slug="digitale-balie")
    assert "publish_page on Digitale balie" in out and "No counter page" not in out
    assert GroupPagePermission.objects.filter(page=page, group__name=group_name("editors")).count() == 2


def test_group_names_follow_the_chosen_language(monkeypatch, db):
    """A string the catalogues already translate stands in for the role's name."""
    monkeypatch.setitem(roles.ROLES, "clerks", roles.Role(lazy("Digital counter"), roles.CLERKS.permissions))
    run("--role", "clerks", "--language", "fr")
    run("--role", "clerks")
    assert {"Guichet numérique", "Digitale balie"} <= set(Group.objects.values_list("name", flat=True))


def test_wrong_options_are_refused_before_anything_is_saved(db):
    groups = set(Group.objects.values_list("name", flat=True))  # Wagtail's own Editors and Moderators
    with pytest.raises(CommandError, match="Unknown language 'de'"):
        run("--language", "de")
    with pytest.raises(CommandError, match="--all-seats needs the clerks' role"):
        run("--role", "managers", "--all-seats")
    assert set(Group.objects.values_list("name", flat=True)) == groups
