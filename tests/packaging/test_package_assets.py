"""Translations are complete and compiled; our JS+CSS stay within the citizens' budget."""

import gzip
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "digitale_balie_plugin"
BUDGET_BYTES = 50 * 1024


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_catalogue_is_complete_and_compiled(language):
    po_path = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert catalogue.percent_translated() == 100, [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries(), [entry.msgid for entry in catalogue.fuzzy_entries()]
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {entry.msgid: entry.msgstr for entry in compiled if not entry.msgid_plural} == {
        entry.msgid: entry.msgstr for entry in catalogue.translated_entries() if not entry.msgid_plural
    }, "the .mo is stale: run `make messages`"


def test_every_source_string_is_in_the_catalogue():
    """A new gettext string without a translation is caught here (makemessages must have run)."""
    import re

    known = {entry.msgid for entry in polib.pofile(str(PACKAGE / "locale/nl/LC_MESSAGES/django.po"))}
    pattern = re.compile(r"""(?<![\w.])_\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""")
    missing = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for text in pattern.findall(path.read_text()):
            if text.replace('\\"', '"') not in known:
                missing.append(f"{path.name}: {text}")
    assert not missing, missing


def test_javascript_and_css_stay_under_50_kb_gzipped():
    static = PACKAGE / "static" / "digitale_balie"
    total = sum(
        len(gzip.compress(path.read_bytes(), 9)) for path in static.rglob("*") if path.suffix in {".js", ".css", ".mjs"}
    )
    assert 0 < total <= BUDGET_BYTES, f"{total} bytes gzipped"
