"""Admin wiring: data screens, the clerk's "book for a citizen" screen, and its menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from digitale_balie_plugin.booking import admin_urls as booking_admin_urls
from digitale_balie_plugin.booking.admin_views import PERMISSION as BOOK_ON_BEHALF_PERMISSION
from digitale_balie_plugin.booking.bulk_cancel import PERMISSION as CANCEL_IN_BULK_PERMISSION
from digitale_balie_plugin.cases import admin_urls as cases_admin_urls
from digitale_balie_plugin.cms import permissions, status, translations
from digitale_balie_plugin.cms.modeladmin import DigitalCounterAdminGroup
from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.console import admin_urls as console_admin_urls
from digitale_balie_plugin.dashboard import admin_urls as dashboard_admin_urls
from digitale_balie_plugin.dashboard.panels import FiguresPanel, StaffSurveyPanel
from digitale_balie_plugin.dashboard.views import PERMISSION as DASHBOARD_PERMISSION
from digitale_balie_plugin.feedback import admin_urls as feedback_admin_urls
from digitale_balie_plugin.feedback import staff_survey
from digitale_balie_plugin.feedback.admin_views import PERMISSION as FEEDBACK_REPORT_PERMISSION
from digitale_balie_plugin.payments import admin_urls as payments_admin_urls
from digitale_balie_plugin.payments.admin_views import PERMISSION as FINANCE_PERMISSION
from digitale_balie_plugin.responses import feature_patterns
from digitale_balie_plugin.retention import admin_urls as retention_admin_urls
from digitale_balie_plugin.retention.admin_views import PERMISSION as CITIZEN_DATA_PERMISSION

modeladmin_register(DigitalCounterAdminGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        *booking_admin_urls.urlpatterns,
        *console_admin_urls.urlpatterns,
        *feature_patterns(Feature.CRM, cases_admin_urls.urlpatterns),
        *feature_patterns(Feature.PAYMENTS, payments_admin_urls.urlpatterns),
        *dashboard_admin_urls.urlpatterns,
        *feature_patterns(Feature.FEEDBACK, feedback_admin_urls.urlpatterns),
        *retention_admin_urls.urlpatterns,
        path("digitale-balie/status/", status.integrations_status, name="digitale_balie_integrations_status"),
        path(
            "digitale-balie/translate/<slug:model_name>/<int:pk>/",
            translations.translate,
            name="digitale_balie_translate",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, feature=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission
        self.feature = feature

    def is_shown(self, request):
        return app_settings.feature_on(self.feature) and request.user.has_perm(self.permission)


#: (menu, label, URL name, icon, order, permission[, feature]): each item is shown only to users with its
#: permission, and only while its feature is switched on.
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
        BOOK_ON_BEHALF_PERMISSION,
    ),
    (
        "register_admin_menu_item",
        _("Cancel many bookings"),
        "digitale_balie_cancel_flood",
        "warning",
        252,
        CANCEL_IN_BULK_PERMISSION,
    ),
    (
        "register_reports_menu_item",
        _("Digital counter: figures"),
        "digitale_balie_dashboard",
        "pick",
        940,
        DASHBOARD_PERMISSION,
    ),
    (
        "register_reports_menu_item",
        _("Feedback"),
        "digitale_balie_feedback_report",
        "help",
        945,
        FEEDBACK_REPORT_PERMISSION,
        Feature.FEEDBACK,
    ),
    (
        "register_reports_menu_item",
        _("Payments"),
        "digitale_balie_finance_report",
        "doc-full",
        950,
        FINANCE_PERMISSION,
        Feature.PAYMENTS,
    ),
    (
        "register_settings_menu_item",
        _("Citizen data"),
        "digitale_balie_citizen_data",
        "user",
        910,
        CITIZEN_DATA_PERMISSION,
    ),
]


def _register_menu_item(menu, label, url_name, icon, order, permission, feature=None) -> None:
    def item():
        return PermissionMenuItem(
            label, reverse(url_name), icon_name=icon, order=order, permission=permission, feature=feature
        )

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
    if request.user.has_perm(DASHBOARD_PERMISSION):
        panels.append(FiguresPanel(request))
    if (
        app_settings.feature_on(Feature.FEEDBACK)
        and request.user.has_perm("digitale_balie.work_at_counter")
        and staff_survey.due_for(request.user)
    ):
        panels.append(StaffSurveyPanel())


@hooks.register("insert_global_admin_css")
def counter_admin_css():
    """The dashboard's and reports' layout (figures, charts); a small file, cached by the browser."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("digitale_balie/css/admin-reports.css"))


@hooks.register("register_permissions")
def register_permissions():
    """The package's own permissions on Settings → Groups (see ``cms.permissions``)."""
    return permissions.counter_permissions()
