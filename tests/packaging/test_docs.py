"""The manuals show what exists: every image a manual shows is in ``docs/img``, and the clerk's manual shows
every state the whole-day browser test writes (``make screenshots`` renews them)."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
WORKSPACE_TEST = Path(__file__).resolve().parents[1] / "browser" / "test_clerk_workspace.py"


def images(markdown: Path) -> list[str]:
    return re.findall(r"!\[[^\]]+\]\(([^)]+)\)", markdown.read_text())


def test_every_image_of_the_manuals_exists():
    shown = [(manual.name, image) for manual in DOCS.glob("*.md") for image in images(manual)]
    assert shown, "the manuals show no screenshots"
    missing = [(manual, image) for manual, image in shown if not (DOCS / image).is_file()]
    assert not missing, missing


def test_the_clerk_manual_shows_the_workspace_states_the_browser_test_draws():
    states = re.findall(r'desk\.check\("([^"]+)"\)', WORKSPACE_TEST.read_text())
    drawn = {f"img/clerk-{re.sub(r'[^a-z]+', '-', state.lower()).strip('-')}.png" for state in states}
    assert len(drawn) >= 8
    for image in drawn:
        assert (DOCS / image).is_file(), f"{image}: run make screenshots"
    assert {image for image in images(DOCS / "clerk.md") if "clerk-" in image} <= drawn
