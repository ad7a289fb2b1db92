"""The digital counter page: editors fill its body with counter blocks; it hosts the citizen routes.

Citizen routes live on a page (not in a URLconf) so they render inside the city's own site,
with its base template, menus and language, and so each site of a multi-site install has its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.blocks import RichTextBlock
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import COUNTER_BLOCKS
from .conf import app_settings
from .views import applications, citizen, documents, feedback, handover, identity, payments, room, signatures

TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,100})"  # noqa: S105 - a URL pattern, not a secret


class DigitalCounterPageMixin(RoutablePageMixin):
    """Routes of the citizen journey. Each route delegates to a view function in ``views.citizen``.

    Override ``get_bookable_services`` to narrow what this page offers.
    """

    def get_bookable_services(self):
        """Override this to restrict the services bookable through this page."""
        from .models import Service

        return Service.objects.active().for_site(self.get_site())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["balie_base_template"] = app_settings.BASE_TEMPLATE
        return context

    @path("book/<slug:service_slug>/", name="book")
    def book_service(self, request, service_slug):
        return citizen.choose_slot(request, self, service_slug)

    @path("book/<slug:service_slug>/details/", name="book_details")
    def book_details(self, request, service_slug):
        return citizen.details(request, self, service_slug)

    @re_path(rf"^booked/{TOKEN}/$", name="confirmation")
    def confirmation(self, request, token):
        return citizen.confirmation(request, self, token)

    @re_path(rf"^manage/{TOKEN}/$", name="manage")
    def manage(self, request, token):
        return citizen.manage(request, self, token)

    @re_path(rf"^manage/{TOKEN}/cancel/$", name="cancel")
    def cancel(self, request, token):
        return citizen.cancel(request, self, token)

    @re_path(rf"^manage/{TOKEN}/reschedule/$", name="reschedule")
    def reschedule(self, request, token):
        return citizen.reschedule(request, self, token)

    @re_path(rf"^manage/{TOKEN}/calendar/$", name="ics")
    def ics(self, request, token):
        return citizen.download_ics(request, self, token)

    @re_path(rf"^confirm-email/{TOKEN}/$", name="confirm_email")
    def confirm_email(self, request, token):
        return citizen.confirm_email(request, self, token)

    @re_path(rf"^join/{TOKEN}/$", name="join")
    def join(self, request, token):
        return room.join(request, self, token)

    @re_path(rf"^guest/{TOKEN}/$", name="guest")
    def guest(self, request, token):
        return room.join_guest(request, self, token)

    @path("device-test/room/", name="test_room")
    def test_room(self, request):
        return room.test_room(request, self)

    @path("room/<int:session_id>/guest/", name="invite_guest")
    def invite_guest(self, request, session_id):
        return room.invite_guest(request, self, session_id)

    @path("walk-in/", name="walk_in")
    def walk_in(self, request):
        return room.walk_in(request, self)

    @path("room/<int:session_id>/", name="room")
    def room(self, request, session_id):
        return room.room(request, self, session_id)

    @path("device-test/", name="device_test")
    def device_test(self, request):
        return citizen.device_test(request, self)

    @path("code/", name="code")
    def code(self, request):
        return handover.code_entry(request, self)

    @re_path(rf"^take/{TOKEN}/$", name="take")
    def take(self, request, token):
        return handover.take_link(request, self, token)

    @path("verify/<int:action_id>/", name="verify")
    def verify(self, request, action_id):
        return identity.consent(request, self, action_id)

    @path("verify/<int:action_id>/result/", name="verify_result")
    def verify_result(self, request, action_id):
        return identity.result(request, self, action_id)

    @path("pay/<int:action_id>/", name="pay")
    def pay(self, request, action_id):
        return payments.pay(request, self, action_id)

    @path("pay/<int:action_id>/result/", name="pay_result")
    def pay_result(self, request, action_id):
        return payments.result(request, self, action_id)

    @path("pay/<int:action_id>/status/", name="pay_status")
    def pay_status(self, request, action_id):
        return payments.status(request, self, action_id)

    @path("documents/<int:action_id>/", name="documents")
    def documents(self, request, action_id):
        return documents.exchange_page(request, self, action_id)

    @path("sign/<int:action_id>/", name="sign")
    def sign(self, request, action_id):
        return signatures.sign(request, self, action_id)

    @path("form/<int:action_id>/", name="form")
    def application_form(self, request, action_id):
        return applications.fill_in(request, self, action_id)

    @path("feedback/", name="page_feedback")
    def page_feedback(self, request):
        return feedback.page_feedback(request, self)

    @path("feedback/<int:session_id>/", name="feedback")
    def survey(self, request, session_id):
        return feedback.after_call(request, self, session_id)

    @re_path(rf"^feedback/link/{TOKEN}/$", name="feedback_link")
    def survey_link(self, request, token):
        return feedback.from_invitation(request, self, token)

    @re_path(r"^(?P<rest>.+)$", name="unknown")
    def unknown(self, request, rest):
        return citizen.invalid_link(request, self)


class DigitalCounterPage(DigitalCounterPageMixin, Page):
    """The "Digitale balie" page of a site."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(
        [*COUNTER_BLOCKS, ("text", RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]))],
        blank=True,
        verbose_name=_("content"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    template = "digitale_balie/pages/digital_counter_page.html"

    class Meta:
        verbose_name = _("digital counter page")

    subpage_types: list[str] = []
    max_count_per_parent = 1
