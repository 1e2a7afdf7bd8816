"""``docs/adding-a-city.md`` keeps up with the hooks: a row per hook, its kind, its reference."""

from __future__ import annotations

import re
from pathlib import Path

from core.scaffold.hook_menu import hook_entries
from tests.test_hooks import doc_sections

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "adding-a-city.md"
ROW = re.compile(r"^\| \[`(?P<hook>\w+)`\]\(hooks\.md#(?P<anchor>\w+)\) \| (?P<kind>[a-z ]+) \|",
                 re.MULTILINE)


def test_every_hook_has_a_row_with_its_kind_linking_to_its_reference():
    rows = {match["hook"]: match for match in ROW.finditer(GUIDE.read_text(encoding="utf-8"))}
    sections = doc_sections()
    assert set(rows) == {entry.name for entry in hook_entries()}
    for entry in hook_entries():
        row = rows[entry.name]
        assert (row["anchor"], row["kind"]) == (entry.name, entry.kind)
        assert row["anchor"] in sections


def test_the_readme_leads_to_the_guide():
    assert "(docs/adding-a-city.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
