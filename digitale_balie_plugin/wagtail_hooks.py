"""Admin wiring: data screens, the clerk's "book for a citizen" screen, and its menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from .admin_views import DigitalCounterAdminGroup
from .views import cases, citizen_data, clerk, console, dashboard, feedback_report, finance, staff_survey, status

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
        path("digitale-balie/figures/", dashboard.dashboard, name="digitale_balie_dashboard"),
        path(
            "digitale-balie/feedback/",
            feedback_report.FeedbackReportView.as_view(),
            name="digitale_balie_feedback_report",
        ),
        path(
            "digitale-balie/feedback/results/",
            feedback_report.FeedbackReportView.as_view(results_only=True),
            name="digitale_balie_feedback_report_results",
        ),
        path("digitale-balie/staff-survey/", staff_survey.staff_survey, name="digitale_balie_staff_survey"),
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


@hooks.register("register_reports_menu_item")
def register_dashboard_menu_item():
    return PermissionMenuItem(
        _("Digital counter: figures"),
        reverse("digitale_balie_dashboard"),
        icon_name="pick",
        order=940,
        permission=dashboard.PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return PermissionMenuItem(
        _("Feedback"),
        reverse("digitale_balie_feedback_report"),
        icon_name="help",
        order=945,
        permission=feedback_report.PERMISSION,
    )


@hooks.register("construct_homepage_panels")
def add_counter_panels(request, panels):
    from .dashboard.panels import FiguresPanel, StaffSurveyPanel

    if request.user.has_perm(dashboard.PERMISSION):
        panels.append(FiguresPanel(request))
    if request.user.has_perm("digitale_balie.work_at_counter") and staff_survey.due_for(request.user):
        panels.append(StaffSurveyPanel())


@hooks.register("insert_global_admin_css")
def counter_admin_css():
    """The dashboard's and reports' layout (figures, charts); a small file, cached by the browser."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("digitale_balie/css/admin-reports.css"))
