"""Only the PyPI description is computed here; everything else is declared in setup.cfg.

The README starts with the two commands for working on this repository (``make demo``, ``make test``). Someone
reading the package on PyPI wants to install it into their own site, so the description is the same README
reordered: the introduction and "Install into your Wagtail site" first, the repository's commands last.
Built from the one README, so the two cannot drift.
"""

from pathlib import Path

from setuptools import setup

INTRO = "**Digitale Balie** is"


def pypi_description() -> str:
    readme = Path(__file__).with_name("README.md").read_text(encoding="utf-8")
    title, _, rest = readme.partition("\n")
    commands, _, rest = rest.partition(INTRO)
    return f"{title}\n\n{INTRO}{rest.rstrip()}\n\n## Working on this repository\n{commands.rstrip()}\n"


setup(long_description=pypi_description(), long_description_content_type="text/markdown")
