"""Block headings that follow the language of the page they are shown on.

Why not a field default: Wagtail stores a block's default when the editor adds the block, in the editor's
admin language, so a French counter page made by a Dutch-speaking editor said "Maak een afspraak". The
heading field is left empty by default instead, and an empty heading shows the block's own heading,
translated when the page is rendered (in the page's language). What an editor types is shown as typed.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def heading_block() -> blocks.CharBlock:
    return blocks.CharBlock(
        label=_("Heading"),
        required=False,
        help_text=_("Leave it empty for the standard heading, in the language of the page."),
    )


class DefaultHeadingMixin:
    """Puts ``heading`` in the block's context: the editor's heading, or ``default_heading`` translated now."""

    default_heading = ""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["heading"] = value.get("heading") or str(self.default_heading)
        return context
