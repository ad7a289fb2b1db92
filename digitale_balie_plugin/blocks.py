"""Deprecated since 0.2: the blocks moved to ``digitale_balie_plugin.cms.blocks``; this alias goes in 0.4."""

import warnings

from digitale_balie_plugin.cms.blocks import *  # noqa: F403
from digitale_balie_plugin.cms.blocks import __all__  # noqa: F401

warnings.warn(
    "digitale_balie_plugin.blocks moved to digitale_balie_plugin.cms.blocks.", DeprecationWarning, stacklevel=2
)
