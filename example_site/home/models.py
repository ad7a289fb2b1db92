"""The example site's own pages: a home page and plain content pages.

Their body accepts the digital counter's blocks, to show that the blocks work on any page.
"""

from wagtail.admin.panels import FieldPanel
from wagtail.blocks import RichTextBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.models import Page

from digitale_balie_plugin.cms.blocks import CounterStreamBlock


class BodyBlock(CounterStreamBlock):
    """The city's own blocks next to the counter's (which follow DIGITALE_BALIE["FEATURES"])."""

    text = RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    video = EmbedBlock(label="Video")  # e.g. the city's YouTube films: the city's own CSP applies here


class BodyPage(Page):
    """A title and a body of blocks."""

    body = StreamField(BodyBlock(), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("body")]

    class Meta:
        abstract = True


class HomePage(BodyPage):
    template = "home/page.html"  # Wagtail derives a default per class, so each one names it


class ContentPage(BodyPage):
    template = "home/page.html"
