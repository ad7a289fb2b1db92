"""Deprecated since 0.2: the page models moved to ``digitale_balie_plugin.cms.models``; this alias goes in 0.4."""

import warnings

from digitale_balie_plugin.cms.models import DigitalCounterPage, DigitalCounterPageMixin

__all__ = ["DigitalCounterPage", "DigitalCounterPageMixin"]

warnings.warn(
    "digitale_balie_plugin.pages moved to digitale_balie_plugin.cms.models.", DeprecationWarning, stacklevel=2
)
