"""Page models of the digital counter: the counter page (it hosts the citizen routes) and application forms.

Citizen routes live on a page (not in a URLconf) so they render inside the city's own site,
with its base template, menus and language, and so each site of a multi-site install has its own.
Each route delegates to the view of the capability that owns it; this module is the only place where
the page tree meets those views. Page models live in their own app (``digitale_balie_cms``) so the
domain models below never load the screens.
"""

from __future__ import annotations

from django.db import models
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.blocks import RichTextBlock
from wagtail.contrib.forms.models import AbstractFormField, FormMixin
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from digitale_balie_plugin.actions import views as handover
from digitale_balie_plugin.applications import views as applications
from digitale_balie_plugin.booking import views as citizen
from digitale_balie_plugin.cms.blocks import CounterStreamBlock
from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.documents import views as documents
from digitale_balie_plugin.exceptions import ConversationClosed
from digitale_balie_plugin.feedback import views as feedback
from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.identity import views as identity
from digitale_balie_plugin.models import Service
from digitale_balie_plugin.payments import views as payments
from digitale_balie_plugin.responses import feature_required, invalid_link, render
from digitale_balie_plugin.room import views as room
from digitale_balie_plugin.security import use_counter_policy
from digitale_balie_plugin.signatures import views as signatures
from digitale_balie_plugin.summary import views as summaries

TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,100})"  # noqa: S105 - a URL pattern, not a secret


class DigitalCounterPageMixin(RoutablePageMixin):
    """Routes of the citizen journey. Each route delegates to a view function in ``views.citizen``.

    Override ``get_bookable_services`` to narrow what this page offers.
    """

    def serve(self, request, *args, **kwargs):
        """Every route of a counter page gets the package's strict CSP (the rest of the site keeps its own).

        Its sub-pages (booking answers, a manage link's appointment, the room, requests, results) show one
        person's data or carry a token in the address: no browser or proxy keeps them (``no-store``). The page
        itself, the list of services, may be cached."""
        try:
            response = super().serve(request, *args, **kwargs)
        except ConversationClosed:  # any page of a conversation that ended or whose appointment was cancelled
            response = render(request, self, "room_ended.html", status=410)
        response = use_counter_policy(response)
        view = args[0] if args else kwargs.get("view")
        sub_page = view is not None and getattr(view, "__name__", "") != "index_route"
        if sub_page and "no-store" not in response.get("Cache-Control", ""):  # a view's own policy stays
            add_never_cache_headers(response)
        return response

    def serve_preview(self, request, *args, **kwargs):
        return use_counter_policy(super().serve_preview(request, *args, **kwargs))

    def get_bookable_services(self):
        """Override this to restrict the services bookable through this page."""
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

    @path("book/<slug:service_slug>/check/", name="book_check")
    def book_check(self, request, service_slug):
        return citizen.check(request, self, service_slug)

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

    @re_path(rf"^manage/{TOKEN}/join/$", name="manage_join")
    def manage_join(self, request, token):
        return citizen.join_call(request, self, token)

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

    @path("room/<int:session_id>/summary/", name="summary_room")
    def summary_room(self, request, session_id):
        return summaries.from_room(request, self, session_id)

    @re_path(rf"^summary/{TOKEN}/$", name="summary")
    def summary(self, request, token):
        return summaries.by_link(request, self, token)

    @re_path(rf"^summary/{TOKEN}/appointment/$", name="summary_appointment")
    def summary_appointment(self, request, token):
        return summaries.manage_follow_up(request, self, token)

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
    @feature_required(Feature.IDENTITY)
    def verify(self, request, action_id):
        return identity.consent(request, self, action_id)

    @path("verify/<int:action_id>/result/", name="verify_result")
    @feature_required(Feature.IDENTITY)
    def verify_result(self, request, action_id):
        return identity.result(request, self, action_id)

    @path("pay/<int:action_id>/", name="pay")
    @feature_required(Feature.PAYMENTS)
    def pay(self, request, action_id):
        return payments.pay(request, self, action_id)

    @path("pay/<int:action_id>/result/", name="pay_result")
    @feature_required(Feature.PAYMENTS)
    def pay_result(self, request, action_id):
        return payments.result(request, self, action_id)

    @path("pay/<int:action_id>/status/", name="pay_status")
    @feature_required(Feature.PAYMENTS)
    def pay_status(self, request, action_id):
        return payments.status(request, self, action_id)

    @path("documents/<int:action_id>/", name="documents")
    @feature_required(Feature.DOCUMENTS)
    def documents(self, request, action_id):
        return documents.exchange_page(request, self, action_id)

    @path("sign/<int:action_id>/", name="sign")
    @feature_required(Feature.SIGNING)
    def sign(self, request, action_id):
        return signatures.sign(request, self, action_id)

    @path("form/<int:action_id>/", name="form")
    @feature_required(Feature.FORMS)
    def application_form(self, request, action_id):
        return applications.fill_in(request, self, action_id)

    @path("feedback/", name="page_feedback")
    @feature_required(Feature.FEEDBACK)
    def page_feedback(self, request):
        return feedback.page_feedback(request, self)

    @path("feedback/<int:session_id>/", name="feedback")
    @feature_required(Feature.FEEDBACK)
    def survey(self, request, session_id):
        return feedback.after_call(request, self, session_id)

    @re_path(rf"^feedback/link/{TOKEN}/$", name="feedback_link")
    @feature_required(Feature.FEEDBACK)
    def survey_link(self, request, token):
        return feedback.from_invitation(request, self, token)

    @re_path(r"^(?P<rest>.+)$", name="unknown")
    def unknown(self, request, rest):
        return invalid_link(request, self)


class CounterPageBody(CounterStreamBlock):
    text = RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])


class DigitalCounterPage(DigitalCounterPageMixin, Page):
    """The "Digitale balie" page of a site."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(CounterPageBody(), blank=True, verbose_name=_("content"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    template = "digitale_balie/pages/digital_counter_page.html"

    class Meta:
        verbose_name = _("digital counter page")

    subpage_types: list[str] = []
    max_count_per_parent = 1


# --- application forms (sent by a clerk as an in-call action) ------------------------------------


class ApplicationFormField(AbstractFormField):
    page = ParentalKey("ApplicationFormPage", on_delete=models.CASCADE, related_name="form_fields")


class ApplicationFormPage(FormMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro"), InlinePanel("form_fields", label=_("Form fields"))]
    template = "digitale_balie/pages/application_form_page.html"
    landing_page_template = "digitale_balie/pages/application_form_page.html"
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")

    @classmethod
    def can_create_at(cls, parent):
        """Editors cannot add forms no clerk could send: not while the forms feature is switched off."""
        return app_settings.feature_on(Feature.FORMS) and super().can_create_at(parent)

    def get_form_class(self):
        """Wagtail's form, with each invalid field pointing at its error text (screen readers)."""
        return type("ApplicationForm", (AccessibleErrorsMixin, super().get_form_class()), {})

    def serve(self, request, *args, **kwargs):
        """Not a public form: the page explains that a clerk sends it during a conversation."""
        return use_counter_policy(TemplateResponse(request, self.template, self.get_context(request)))

    def serve_preview(self, request, mode_name):
        context = self.get_context(request)
        context["form"] = self.get_form(page=self, user=request.user)
        return use_counter_policy(TemplateResponse(request, self.template, context))
