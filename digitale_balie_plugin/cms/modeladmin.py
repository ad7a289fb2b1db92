"""Admin data screens (wagtail-modeladmin) for services, seats, closures and appointments."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import CreateView, EditView, IndexView, InspectView

from digitale_balie_plugin.booking.notifications import DELIVERY_LABELS, delivery_label
from digitale_balie_plugin.cms.case_records import CaseRecordInspectView
from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.models import (
    Appointment,
    AuditEvent,
    CaseRecord,
    CaseStatus,
    ChannelCount,
    Closure,
    CounterSeat,
    Notification,
    Service,
    scope_to_seats,
)
from digitale_balie_plugin.reports import ReadersLanguageExportMixin


class ReadOnlyPermissionHelper(PermissionHelper):
    """Nobody, superusers included, may add, edit or delete through the admin."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class CaseRecordPermissionHelper(ReadOnlyPermissionHelper):
    """Read-only, and absent (no menu item, 403 on its URLs) on a site without the CRM feature."""

    def user_can_list(self, user):
        return app_settings.feature_on(Feature.CRM) and super().user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return app_settings.feature_on(Feature.CRM) and super().user_can_inspect_obj(user, obj)


class TranslatableAdminMixin:
    """A Language column and filter, and a link to the row's Translations screen (``cms.translations``)."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("site", "locale")

    def language(self, obj):
        return obj.locale.get_display_name()

    language.short_description = _("Language")

    def translations(self, obj):
        """A link to the translations (making one is a POST on that screen, never this GET)."""
        url = reverse("digitale_balie_translate", args=[obj._meta.model_name, obj.pk])
        return format_html('<a class="button button-small button-secondary" href="{}">{}</a>', url, _("Translations"))

    translations.short_description = _("Translations")


class SeatScopedAdminMixin:
    """Only the rows of the seats the user may see (``models.scope_to_seats``): in the list, its export and
    every page of one row. Another seat's row answers 404, as if it did not exist (a 403 would confirm it does).
    """

    #: How a row reaches its counter seat (any of them), and its site when it has no seat.
    seat_paths = ("seat",)
    site_path = ""

    def get_queryset(self, request):
        return scope_to_seats(super().get_queryset(request), request.user, self.seat_paths, self.site_path)

    def check_in_scope(self, request, instance_pk) -> None:
        try:
            found = self.get_queryset(request).filter(pk=unquote(instance_pk)).exists()
        except (ValueError, ValidationError):  # not a primary key at all
            found = False
        if not found:
            raise Http404

    def inspect_view(self, request, instance_pk):
        self.check_in_scope(request, instance_pk)
        return super().inspect_view(request, instance_pk)

    def edit_view(self, request, instance_pk):
        self.check_in_scope(request, instance_pk)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self.check_in_scope(request, instance_pk)
        return super().delete_view(request, instance_pk)

    def history_view(self, request, instance_pk):
        self.check_in_scope(request, instance_pk)
        return super().history_view(request, instance_pk)


class ServiceAdmin(TranslatableAdminMixin, ModelAdmin):
    model = Service
    menu_icon = "list-ul"
    list_display = ("name", "site", "language", "duration_minutes", "active", "translations")
    list_filter = ("site", "locale", "active", "offers_video", "offers_phone", "offers_desk")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


class CounterSeatAdmin(TranslatableAdminMixin, ModelAdmin):
    model = CounterSeat
    menu_icon = "user"
    list_display = ("name", "site", "language", "location", "active", "translations")
    list_filter = ("site", "locale", "active", "services")
    search_fields = ("name", "location")


class ClosureAdmin(ModelAdmin):
    model = Closure
    menu_icon = "warning"
    list_display = ("reason", "site", "seat", "kind", "start", "end")
    list_filter = ("site", "kind", "start")
    search_fields = ("reason",)


class AppointmentInspectView(InspectView):
    """The appointment's fields, then every e-mail and SMS sent about it: status, delivery, opened."""

    def get_context_data(self, **kwargs):
        notifications = list(self.instance.notifications.order_by("created_at"))
        for notification in notifications:
            notification.delivery_label = delivery_label(notification.delivery_status)
        return super().get_context_data(notifications=notifications, **kwargs)


class AppointmentIndexView(ReadersLanguageExportMixin, IndexView):
    pass


class AppointmentAdmin(SeatScopedAdminMixin, ModelAdmin):
    model = Appointment
    index_view_class = AppointmentIndexView
    menu_icon = "date"
    list_display = ("reference", "start", "service", "seat", "channel", "status", "citizen_name", "booked_via")
    list_select_related = ("service", "seat")
    list_filter = ("start", "service", "status", "channel", "booked_via", "site")
    search_fields = ("reference", "citizen_name", "email", "question")
    list_export = (
        "reference",
        "start",
        "end",
        "service",
        "seat",
        "channel",
        "status",
        "booked_via",
        "citizen_name",
        "email",
        "phone",
        "language",
        "question",
        "created_at",
    )
    export_filename = "appointments"
    inspect_view_enabled = True
    inspect_view_class = AppointmentInspectView
    inspect_template_name = "digitale_balie/admin/appointment_inspect.html"
    ordering = ("-start",)


class DeliveryFilter(admin.SimpleListFilter):
    """The SMS gateway's delivery report in words; messages without a report get a name too (an empty value
    made Django's own filter an empty link, WCAG 2.4.4)."""

    title = _("delivery status")
    parameter_name = "delivery"
    NONE = "none"

    @staticmethod
    def _statuses() -> dict[str, list[str]]:
        """The first status of each label -> every status with that label ("failed" and "undelivered")."""
        by_label = {}
        for status, label in DELIVERY_LABELS.items():
            by_label.setdefault(str(label), []).append(status)
        return {statuses[0]: statuses for statuses in by_label.values()}

    def lookups(self, request, model_admin):
        return [(self.NONE, _("No report"))] + [(status, delivery_label(status)) for status in self._statuses()]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.NONE:
            return queryset.filter(delivery_status="")
        return queryset.filter(delivery_status__in=self._statuses().get(value, [value]))


class NotificationAdmin(SeatScopedAdminMixin, ModelAdmin):
    model = Notification
    seat_paths = ("appointment__seat", "session__seat")
    menu_icon = "mail"
    list_display = (
        "appointment",
        "kind",
        "channel",
        "status",
        "delivery",
        "opened_at",
        "attempts",
        "created_at",
    )
    list_filter = ("kind", "channel", "status", DeliveryFilter)
    list_select_related = ("appointment__service",)
    inspect_view_enabled = True
    permission_helper_class = ReadOnlyPermissionHelper

    def delivery(self, obj):
        return delivery_label(obj.delivery_status) or "–"

    delivery.short_description = _("delivery status")


class AuditEventAdmin(SeatScopedAdminMixin, ModelAdmin):
    """Read-only: audit events are append-only. They name no seat: a user without every seat sees their sites'."""

    model = AuditEvent
    seat_paths = ()
    site_path = "site"
    permission_helper_class = ReadOnlyPermissionHelper
    menu_icon = "history"
    list_display = ("timestamp", "action", "actor_label", "object_type", "object_id")
    list_filter = ("action", "timestamp")
    search_fields = ("action", "object_id")
    inspect_view_enabled = True


class CaseRecordAdmin(SeatScopedAdminMixin, ModelAdmin):
    """Case records sent to the CRM: failures stay visible here, with "retry now"."""

    model = CaseRecord
    seat_paths = ("session__seat",)
    permission_helper_class = CaseRecordPermissionHelper
    menu_icon = "upload"
    list_display = ("session", "status", "attempts", "last_error", "next_attempt_at", "reference", "retry")
    list_select_related = ("session",)
    list_filter = ("status",)
    inspect_view_enabled = True
    inspect_view_class = CaseRecordInspectView
    inspect_template_name = "digitale_balie/admin/caserecord_inspect.html"

    def retry(self, obj):
        if obj.status not in (CaseStatus.PENDING, CaseStatus.FAILED):
            return ""
        url = reverse("digitale_balie_case_retry", args=[obj.pk])
        return format_html('<a class="button button-small" href="{}">{}</a>', url, _("Retry now"))

    retry.short_description = _("Retry")


class EnteredByMixin:
    """Remember who typed the counts (a manager may have to explain a figure later)."""

    def form_valid(self, form):
        form.instance.entered_by = self.request.user
        return super().form_valid(form)


class ChannelCountCreateView(EnteredByMixin, CreateView):
    pass


class ChannelCountEditView(EnteredByMixin, EditView):
    pass


class ChannelCountAdmin(SeatScopedAdminMixin, ModelAdmin):
    """Desk visits and phone calls counted elsewhere, per period: the dashboard shows the counter's share.
    Counted per site, not per seat: a user without every seat sees their sites'."""

    model = ChannelCount
    seat_paths = ()
    site_path = "site"
    menu_icon = "list-ol"
    list_display = ("__str__", "site", "service", "desk_visits", "phone_calls", "entered_by")
    list_select_related = ("site", "service", "entered_by")
    list_filter = ("site", "service", "period_start")
    create_view_class = ChannelCountCreateView
    edit_view_class = ChannelCountEditView


class DigitalCounterAdminGroup(ModelAdminGroup):
    menu_label = _("Digital counter")
    menu_icon = "calendar"
    menu_order = 250
    items = (
        AppointmentAdmin,
        ServiceAdmin,
        CounterSeatAdmin,
        ClosureAdmin,
        NotificationAdmin,
        CaseRecordAdmin,
        ChannelCountAdmin,
        AuditEventAdmin,
    )
