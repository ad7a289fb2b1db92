"""The manuals show what exists: every image a manual shows is in ``docs/img``, and the clerk's manual shows
every state the whole-day browser test writes (``make screenshots`` renews them), and every test the security
page cites exists."""

import ast
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
WORKSPACE_TEST = Path(__file__).resolve().parents[1] / "browser" / "test_clerk_workspace.py"
ROOT = DOCS.parent
#: ``tests/x/test_y.py::test_name`` in backticks; "(pending)" right after marks a test of a branch not merged yet.
CITED_TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`(\s*\(pending\))?")


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


def test_every_test_the_security_page_cites_exists():
    page = (DOCS / "security.md").read_text()
    cited = [(path, name) for path, name, pending in CITED_TEST.findall(page) if not pending]
    assert len(cited) >= 100, "the security page cites too few tests"
    defined: dict[str, set[str]] = {}
    for path in {path for path, _name in cited}:
        source = ROOT / path
        tree = ast.parse(source.read_text()) if source.is_file() else ast.Module(body=[], type_ignores=[])
        defined[path] = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    missing = sorted({f"{path}::{name}" for path, name in cited if name not in defined[path]})
    assert not missing, missing
