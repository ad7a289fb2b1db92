"""The frozen Monday morning and the site, service and seat the bench's seeds build on."""

from tests.fixtures import *  # noqa: F403
