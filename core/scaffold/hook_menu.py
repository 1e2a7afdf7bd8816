"""The menu of hooks a generated plugin module lists, read from ``core/hookspecs.py``.

Generated from the specs themselves (names, arguments, first-result or collected, the first
line of each docstring, the banner each hook sits under), so the menu of a new city never
drifts from the hooks the core actually calls.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from core import PROJECT_NAME, hookspecs

SPEC_MARK = f"{PROJECT_NAME}_spec"
BANNER = re.compile(r"^# -{10,}\n# (?P<title>[^\n]+)\n# -{10,}$", re.MULTILINE)
HOOKS_REFERENCE = "docs/hooks.md"
# "Collected, merged." and the like: the menu states the kind itself.
KIND_SENTENCE = re.compile(r"\s*(Collected|First result)[^.]*\.\s*$")


@dataclass(frozen=True)
class HookEntry:
    """One hook as the menu shows it."""

    name: str
    group: str
    arguments: tuple[str, ...]
    first_result: bool
    purpose: str

    @property
    def kind(self) -> str:
        return "first result" if self.first_result else "collected"

    @property
    def reference(self) -> str:
        return f"{HOOKS_REFERENCE}#{self.name}"


def hook_entries() -> list[HookEntry]:
    """Every hookspec in the order of ``core/hookspecs.py``, with its banner group."""
    source = inspect.getsource(hookspecs)
    banners = [(match.start(), match.group("title").strip()) for match in BANNER.finditer(source)]
    entries = []
    for name, function in vars(hookspecs).items():
        options = getattr(function, SPEC_MARK, None)
        if options is None or not callable(function):
            continue
        position = source.index(f"\ndef {name}(")
        group = next((title for start, title in reversed(banners) if start < position), "")
        doc = inspect.getdoc(function) or ""
        entries.append(HookEntry(
            name=name, group=group,
            arguments=tuple(inspect.signature(function).parameters),
            first_result=bool(options.get("firstresult")),
            purpose=KIND_SENTENCE.sub("", doc.split("\n\n")[0].replace("\n", " ")).strip()))
    entries.sort(key=lambda entry: source.index(f"\ndef {entry.name}("))
    return entries


def _comment_lines(text: str, width: int = 96) -> list[str]:
    """``text`` wrapped into ``#   `` comment lines."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(f"#   {current}")
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(f"#   {current}")
    return lines


def render_menu(implemented: frozenset[str] = frozenset()) -> str:
    """The commented menu: a block per hook (purpose, kind, reference, a stub to uncomment);
    hooks in ``implemented`` are named as such instead of stubbed."""
    blocks: list[str] = []
    group = None
    for entry in hook_entries():
        if entry.group != group:
            group = entry.group
            blocks.append(f"# == {group} ".ljust(100, "="))
        head = [f"# {entry.name} ({entry.kind}) — {entry.reference}", *_comment_lines(entry.purpose)]
        if entry.name in implemented:
            blocks.append("\n".join([*head, "#   (implemented above)"]))
            continue
        stub = [
            "# @hookimpl",
            f"# def {entry.name}({', '.join(entry.arguments)}):",
            "#     return None",
        ]
        blocks.append("\n".join([*head, *stub]))
    return "\n\n".join(blocks) + "\n"
