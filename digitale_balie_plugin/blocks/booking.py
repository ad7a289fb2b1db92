"""The booking block: an editor picks services; the citizen picks one and starts booking."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def service_choices():
    """All bookable services (every site); the block shows only those of the page's site."""
    from ..models import Service

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

    def services_for(self, site):
        from ..models import Service

        services = Service.objects.active().for_site(site)
        return services.filter(pk__in=self.service_ids) if self.service_ids else services


class AppointmentBookingBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, default=_("Make an appointment"))
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
        from ..booking.links import counter_page_for

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        page = (parent_context or {}).get("page")
        site = page.get_site() if page is not None else getattr(request, "site", None)
        if site is None and request is not None:
            from wagtail.models import Site

            site = Site.find_for_request(request)
        counter_page = (
            page
            if hasattr(page, "reverse_subpage") and hasattr(page, "book_service")
            else (counter_page_for(site) if site else None)
        )
        context["services"] = list(value.services_for(site)) if site else []
        context["counter_page"] = counter_page
        return context
