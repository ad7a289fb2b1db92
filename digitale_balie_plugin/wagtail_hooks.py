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


#: (menu, label, URL name, icon, order, permission): each item is shown only to users with its permission.
MENU_ITEMS = [
    (
        "register_admin_menu_item",
        _("My counter"),
        "digitale_balie_choose_seat",
        "user",
        249,
        "digitale_balie.work_at_counter",
    ),
    (
        "register_admin_menu_item",
        _("Book for a citizen"),
        "digitale_balie_book_on_behalf",
        "plus",
        251,
        clerk.PERMISSION,
    ),
    (
        "register_reports_menu_item",
        _("Digital counter: figures"),
        "digitale_balie_dashboard",
        "pick",
        940,
        dashboard.PERMISSION,
    ),
    (
        "register_reports_menu_item",
        _("Feedback"),
        "digitale_balie_feedback_report",
        "help",
        945,
        feedback_report.PERMISSION,
    ),
    ("register_reports_menu_item", _("Payments"), "digitale_balie_finance_report", "doc-full", 950, finance.PERMISSION),
    (
        "register_settings_menu_item",
        _("Citizen data"),
        "digitale_balie_citizen_data",
        "user",
        910,
        citizen_data.PERMISSION,
    ),
]


def _register_menu_item(menu, label, url_name, icon, order, permission) -> None:
    def item():
        return PermissionMenuItem(label, reverse(url_name), icon_name=icon, order=order, permission=permission)

    hooks.register(menu, item)


for _menu_item in MENU_ITEMS:
    _register_menu_item(*_menu_item)


@hooks.register("register_settings_menu_item")
def register_status_menu_item():
    class SuperuserMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser

    return SuperuserMenuItem(
        _("Integrations status"), reverse("digitale_balie_integrations_status"), icon_name="cogs", order=900
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
