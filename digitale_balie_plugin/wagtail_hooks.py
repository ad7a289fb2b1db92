"""Admin wiring: data screens, the clerk's "book for a citizen" screen, and its menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from .admin_views import DigitalCounterAdminGroup
from .views import cases, citizen_data, clerk, console, finance, status

modeladmin_register(DigitalCounterAdminGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("digitale-balie/book/", clerk.book_on_behalf, name="digitale_balie_book_on_behalf"),
        path("digitale-balie/counter/", console.choose_seat, name="digitale_balie_choose_seat"),
        path("digitale-balie/cases/<int:case_id>/retry/", cases.retry, name="digitale_balie_case_retry"),
        path("digitale-balie/payments/", finance.FinanceReportView.as_view(), name="digitale_balie_finance_report"),
        path(
            "digitale-balie/payments/results/",
            finance.FinanceReportView.as_view(results_only=True),
            name="digitale_balie_finance_report_results",
        ),
        path("digitale-balie/status/", status.integrations_status, name="digitale_balie_integrations_status"),
        path("digitale-balie/citizen-data/", citizen_data.citizen_data, name="digitale_balie_citizen_data"),
        path("digitale-balie/counter/<int:seat_id>/", console.counter, name="digitale_balie_console"),
        path("digitale-balie/counter/<int:seat_id>/contact/", console.open_contact, name="digitale_balie_open_contact"),
        path(
            "digitale-balie/counter/<int:seat_id>/sessions/<int:session_id>/<slug:command>/",
            console.session_command,
            name="digitale_balie_session_command",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_book_menu_item():
    return PermissionMenuItem(
        _("Book for a citizen"),
        reverse("digitale_balie_book_on_behalf"),
        icon_name="plus",
        order=251,
        permission=clerk.PERMISSION,
    )


@hooks.register("register_admin_menu_item")
def register_counter_menu_item():
    return PermissionMenuItem(
        _("My counter"),
        reverse("digitale_balie_choose_seat"),
        icon_name="user",
        order=249,
        permission="digitale_balie.work_at_counter",
    )


@hooks.register("register_settings_menu_item")
def register_status_menu_item():
    class SuperuserMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser

    return SuperuserMenuItem(
        _("Integrations status"), reverse("digitale_balie_integrations_status"), icon_name="cogs", order=900
    )


@hooks.register("register_reports_menu_item")
def register_finance_report_menu_item():
    return PermissionMenuItem(
        _("Payments"),
        reverse("digitale_balie_finance_report"),
        icon_name="doc-full",
        order=950,
        permission=finance.PERMISSION,
    )


@hooks.register("register_settings_menu_item")
def register_citizen_data_menu_item():
    return PermissionMenuItem(
        _("Citizen data"),
        reverse("digitale_balie_citizen_data"),
        icon_name="user",
        order=910,
        permission=citizen_data.PERMISSION,
    )
