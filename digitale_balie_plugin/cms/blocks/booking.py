"""The booking block: an editor picks services; the citizen picks one and starts booking."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from digitale_balie_plugin.cms.blocks.headings import DefaultHeadingMixin, heading_block
from digitale_balie_plugin.links import counter_page_path, route_path
from digitale_balie_plugin.models import Service


def service_choices():
    """All bookable services (every site); the block shows only those of the page's site."""

    try:
        return [
            (str(pk), f"{name} ({site})")
            for pk, name, site in Service.objects.active().values_list("pk", "name", "site__site_name")
        ]
    except Exception:  # noqa: BLE001 - tables may not exist yet (first migrate, checks)
        return []


class BookingBlockValue(blocks.StructValue):
    """Computed values for the template, so the template holds no logic."""

    @cached_property
    def service_ids(self) -> list[int]:
        return [int(pk) for pk in self.get("services") or [] if str(pk).isdigit()]

    def eligible_services(self, services):
        """Override this to narrow further (e.g. to video services)."""
        return services

    def services_for(self, site):
        """The chosen services of this site (all bookable ones when the editor chose none)."""

        services = self.eligible_services(Service.objects.active().for_site(site))
        return services.filter(pk__in=self.service_ids) if self.service_ids else services


class AppointmentBookingBlock(DefaultHeadingMixin, blocks.StructBlock):
    default_heading = _("Make an appointment")
    heading = heading_block()
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])
    services = blocks.MultipleChoiceBlock(
        label=_("Services"),
        choices=service_choices,
        required=False,
        help_text=_("Leave empty to show every bookable service of this site."),
    )

    class Meta:
        icon = "date"
        label = _("Appointment booking")
        description = _("Lets citizens book a (video) appointment for the services you choose.")
        template = "digitale_balie/blocks/appointment_booking_block.html"
        value_class = BookingBlockValue
        preview_value = {"heading": "Maak een afspraak", "intro": "<p>Kies waarvoor u komt.</p>", "services": []}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        site = _site_for(request, (parent_context or {}).get("page"))
        context["services"] = (
            [BookableService(service, book_url) for service, book_url in _book_links(value, site)] if site else []
        )
        return context


class BookableService:
    """A service with its booking link, for the block template."""

    def __init__(self, service, book_url: str):
        self.service, self.book_url = service, book_url


def _site_for(request, page):
    from wagtail.models import Site

    if request is not None:
        return Site.find_for_request(request)  # cached on the request by Wagtail
    return page.get_site() if page is not None else None


def _book_links(value, site):
    path = counter_page_path(site)
    if path is None:
        return []
    return [(service, path + route_path("book", service.slug)) for service in value.services_for(site).localized()]
