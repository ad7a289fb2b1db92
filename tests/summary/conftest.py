"""The frozen Monday morning and the site, service, seat and clerk these tests build on."""

from tests.fixtures import *  # noqa: F403
