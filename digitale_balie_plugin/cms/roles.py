"""The staff roles a city usually starts with, as Django groups: clerks, managers and web editors of the counter.

What a member sees follows from model-wide permissions, with two exceptions Wagtail and the console add:
- the console: a clerk works at a seat when one of their groups has ``work_at_counter`` *and* is one of that
  seat's clerk groups (``CounterSeat.clerk_groups``); the permission alone opens no seat;
- pages: Wagtail grants page rights per page and its subtree, so the editors' role names what it may do on the
  counter pages and application forms that exist when the role is applied.

Roles add up instead of copying each other: a head of service who also serves citizens is in the clerks' and
the managers' group. The console's refund button needs both a seat and ``refund_payment``.

``apply_role`` adds what is missing and removes nothing unless asked: a city adjusts its groups by hand (refunds
for a senior clerk, no finance report for managers) and a rerun after an upgrade must not undo that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupPagePermission, Page, get_default_page_content_type

from digitale_balie_plugin.cms.models import ApplicationFormPage, DigitalCounterPage
from digitale_balie_plugin.models import CounterSeat


class RoleError(Exception):
    """A permission of a role is not in the database: migrations not run, or an app not installed."""


@dataclass(frozen=True)
class Role:
    """A group's name (translated when the group is made) and what its members may do."""

    name: Promise
    #: Model-wide permissions, as ``"app_label.codename"`` (what ``user.has_perm`` takes).
    permissions: tuple[str, ...]
    #: Wagtail page actions (``"change"``, ``"publish"``) on every counter page and application form.
    page_permissions: tuple[str, ...] = ()


#: What is offered and when: clerks and managers read it, so they can answer a citizen on the phone.
READ_OFFER = ("digitale_balie.view_service", "digitale_balie.view_counterseat", "digitale_balie.view_closure")
CLOSURES = ("digitale_balie.add_closure", "digitale_balie.change_closure", "digitale_balie.delete_closure")

#: Serves citizens at the seats of their groups, books for those who phone or come by, looks appointments up.
CLERKS = Role(
    _("Digital counter: clerks"),
    (
        "wagtailadmin.access_admin",
        "digitale_balie.work_at_counter",
        "digitale_balie.book_on_behalf",
        "digitale_balie.view_appointment",
        *READ_OFFER,
    ),
)

#: The head of service: figures, feedback with what people wrote, payments and refunds, a citizen's data, the
#: site's counter settings, CRM retries, the counts of the other channels, closures when a clerk is ill,
#: cancelling a flood of fake bookings, and the data of every seat (a clerk sees only their own seats').
MANAGERS = Role(
    _("Digital counter: managers"),
    (
        "wagtailadmin.access_admin",
        "digitale_balie.view_counter_dashboard",
        "digitale_balie.view_feedback_report",
        "digitale_balie.view_feedback_text",
        "digitale_balie.view_finance_report",
        "digitale_balie.refund_payment",
        "digitale_balie.manage_personal_data",
        "digitale_balie.view_all_seats",
        "digitale_balie.change_countersettings",
        "digitale_balie.view_appointment",
        "digitale_balie.cancel_in_bulk",
        "digitale_balie.view_notification",
        "digitale_balie.view_auditevent",
        "digitale_balie.view_caserecord",
        "digitale_balie.change_caserecord",
        "digitale_balie.add_channelcount",
        "digitale_balie.change_channelcount",
        "digitale_balie.view_channelcount",
        *READ_OFFER,
        *CLOSURES,
    ),
)

#: Keeps the published offer up to date: the counter pages, services, seats with their opening hours, closures.
#: No delete for services and seats: appointments keep them (deactivate instead).
EDITORS = Role(
    _("Digital counter: web editors"),
    (
        "wagtailadmin.access_admin",
        "digitale_balie.add_service",
        "digitale_balie.change_service",
        "digitale_balie.add_counterseat",
        "digitale_balie.change_counterseat",
        *READ_OFFER,
        *CLOSURES,
    ),
    page_permissions=("change", "publish"),
)

ROLES = {"clerks": CLERKS, "managers": MANAGERS, "editors": EDITORS}


@dataclass
class RoleReport:
    """What ``apply_role`` did, for the command to say."""

    group: Group
    created: bool
    added: list[str] = field(default_factory=list)
    #: Permissions beyond the role: kept, or removed when ``removed`` is true.
    extra: list[str] = field(default_factory=list)
    removed: bool = False
    pages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added or self.pages or self.removed)


def apply_role(role: Role, *, reset: bool = False) -> RoleReport:
    """Create or complete the role's group, named in the active language; with ``reset``, drop the extras."""
    group, created = Group.objects.get_or_create(name=str(role.name))
    wanted = set(resolve(role.permissions))
    have = set(group.permissions.select_related("content_type"))
    group.permissions.add(*(wanted - have))
    extra = have - wanted
    if reset:
        group.permissions.remove(*extra)
    report = RoleReport(group, created, _names(wanted - have), _names(extra), reset and bool(extra))
    report.pages = grant_page_permissions(group, role.page_permissions)
    return report


def resolve(names) -> list[Permission]:
    """The permissions named ``"app_label.codename"``; a missing one is an installation error, said loudly."""
    if not names:
        return []
    query = Q()
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = sorted(set(names) - set(_names(found)))
    if missing:
        raise RoleError(f"Permissions not found: {', '.join(missing)}. Run `manage.py migrate` first.")
    return found


def counter_pages():
    """The pages the editors' role may edit: every counter page and application form, on every site."""
    return Page.objects.type(DigitalCounterPage, ApplicationFormPage).order_by("path")


def grant_page_permissions(group: Group, actions) -> list[str]:
    """Give the group these page actions on every counter page; returns what was new, e.g. "publish on /x/"."""
    if not actions:
        return []
    content_type = get_default_page_content_type()
    permissions = resolve([f"{content_type.app_label}.{action}_{content_type.model}" for action in actions])
    granted = []
    for page in counter_pages():
        for permission in permissions:
            _row, created = GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
            if created:
                granted.append(f"{permission.codename} on {page.title} ({page.url_path})")
    return granted


def add_to_every_seat(group: Group) -> list[CounterSeat]:
    """Make the group a clerk group of every counter seat (all sites) that does not have it yet."""
    seats = list(CounterSeat.objects.canonical().exclude(clerk_groups=group).order_by("name"))
    for seat in seats:
        seat.clerk_groups.add(group)
    return seats


def _names(permissions) -> list[str]:
    return sorted(f"{permission.content_type.app_label}.{permission.codename}" for permission in permissions)
