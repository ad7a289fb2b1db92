"""Block headings follow the page's language, not the editor's admin language (issue 14)."""

import pytest
from django.utils import translation

from digitale_balie_plugin.cms.blocks import (
    AppointmentBookingBlock,
    DeviceTestBlock,
    FeedbackBlock,
    IdentityVerificationBlock,
    PaymentBlock,
    VideoRoomBlock,
)

BLOCKS = [
    AppointmentBookingBlock,
    DeviceTestBlock,
    FeedbackBlock,
    IdentityVerificationBlock,
    PaymentBlock,
    VideoRoomBlock,
]


@pytest.mark.parametrize("block_class", BLOCKS)
def test_a_new_block_stores_no_heading_in_the_editors_language(block_class):
    with translation.override("nl"):  # a Dutch-speaking editor adds the block
        assert not block_class().get_default()["heading"]  # nothing stored: the page's language decides


def test_an_empty_heading_is_the_blocks_own_in_the_language_of_the_page(site, counter_page, rf):
    block = AppointmentBookingBlock()
    value = block.to_python({"heading": "", "intro": "", "services": []})
    request = rf.get("/")
    request.site = site
    with translation.override("fr"):
        french = block.get_context(value, {"request": request, "page": counter_page})["heading"]
    with translation.override("nl"):
        dutch = block.get_context(value, {"request": request, "page": counter_page})["heading"]
    assert (french, dutch) == ("Prendre rendez-vous", "Maak een afspraak")
    typed = block.to_python({"heading": "Afspraak bij de dienst Burgerzaken", "intro": "", "services": []})
    with translation.override("fr"):
        assert block.get_context(typed, {"request": request, "page": counter_page})["heading"] == typed["heading"]
