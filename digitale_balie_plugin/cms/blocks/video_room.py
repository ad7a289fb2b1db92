"""The walk-in digital counter: take a virtual ticket during opening hours, talk without an appointment."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from digitale_balie_plugin.booking.opening import next_opening, open_seats
from digitale_balie_plugin.cms.blocks.booking import BookingBlockValue, _site_for, service_choices
from digitale_balie_plugin.cms.blocks.headings import DefaultHeadingMixin, heading_block
from digitale_balie_plugin.links import counter_page_path


class VideoRoomValue(BookingBlockValue):
    def eligible_services(self, services):
        return services.filter(offers_video=True)


class VideoRoomBlock(DefaultHeadingMixin, blocks.StructBlock):
    default_heading = _("Talk to us now")
    heading = heading_block()
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])
    services = blocks.MultipleChoiceBlock(
        label=_("Services"),
        choices=service_choices,
        required=False,
        help_text=_("Leave empty for every video service of this site."),
    )

    class Meta:
        icon = "user"
        label = _("Walk-in video counter")
        description = _("Citizens without an appointment take a virtual ticket during opening hours.")
        template = "digitale_balie/blocks/video_room_block.html"
        value_class = VideoRoomValue
        preview_value = {
            "heading": "Praat nu met ons",
            "intro": "<p>Zonder afspraak, tijdens de openingsuren.</p>",
            "services": [],
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        site = _site_for((parent_context or {}).get("request"), (parent_context or {}).get("page"))
        services = value.services_for(site).localized() if site else []
        path = counter_page_path(site) if site else None
        context.update(
            {
                "services": services,
                "counter_path": path,
                "is_open": bool(services and open_seats(services)),
                "opens_at": next_opening(services) if services else None,
            }
        )
        return context
