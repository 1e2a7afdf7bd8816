"""Every hook is documented and tested (the Datasette rule).

A hook of ``core/hookspecs.py`` needs a ``## <hook>`` section in ``docs/hooks.md`` that says
whether it is first result or collected and shows an implementation, and a test of its own
in ``tests/hooks/``: a test function named ``test_hook_<hook>…`` or a test module named
``test_hook_<hook>.py``. Adding a hook without both makes this module fail.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core import PROJECT_NAME, hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "hooks.md"
HOOK_TESTS = ROOT / "tests" / "hooks"
SPEC_MARK = f"{PROJECT_NAME}_spec"


def hook_specs() -> dict[str, dict]:
    """Every hookspec by name, with its pluggy options (``firstresult`` …)."""
    return {name: getattr(function, SPEC_MARK) for name, function in vars(hookspecs).items()
            if callable(function) and hasattr(function, SPEC_MARK)}


HOOKS = sorted(hook_specs())


def doc_sections() -> dict[str, str]:
    """``docs/hooks.md`` split into its ``## name`` sections."""
    sections: dict[str, str] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"## (\w+)\s*", line)
        if heading:
            current = heading.group(1)
            sections[current] = ""
        elif line.startswith("## "):
            current = None  # a section that is not about a hook
        elif current is not None:
            sections[current] += line + "\n"
    return sections


def hook_tests() -> dict[str, set[str]]:
    """For each hook, the test functions in ``tests/hooks/`` that are its own."""
    owned: dict[str, set[str]] = {name: set() for name in HOOKS}
    for path in sorted(HOOK_TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        tests = [node.name for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                 and node.name.startswith("test_")]
        for name in HOOKS:
            if path.stem == f"test_hook_{name}":
                owned[name].update(f"{path.name}::{test}" for test in tests)
            owned[name].update(f"{path.name}::{test}" for test in tests
                               if test == f"test_hook_{name}"
                               or test.startswith(f"test_hook_{name}_"))
    return owned


def test_the_hookspecs_are_found():
    assert {"route_lead", "transition_guard", "transfer_sharing", "demo_data"} <= set(HOOKS)
    assert hook_specs()["route_lead"]["firstresult"] is True
    assert hook_specs()["validate_lead"]["firstresult"] is False


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_documentation_section(hook):
    sections = doc_sections()
    assert hook in sections, f"docs/hooks.md has no '## {hook}' section"
    text = sections[hook]
    first_result = hook_specs()[hook]["firstresult"]
    expected = "**First result.**" if first_result else "**Collected"
    assert expected in text, f"'## {hook}' must say it is {expected.strip('*.')}"
    assert "**When:**" in text and "**Arguments:**" in text and "**Core default:**" in text
    assert re.search(rf"```python\n.*?@hookimpl\ndef {hook}\(", text, re.S), (
        f"'## {hook}' needs an example implementing def {hook}(…)")


def test_every_documented_hook_exists():
    assert sorted(set(doc_sections()) - set(HOOKS)) == []


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test_of_its_own(hook):
    assert hook_tests()[hook], (
        f"no test of its own for hook {hook!r}: add tests/hooks/test_hook_{hook}.py or a test "
        f"function named test_hook_{hook}_… in tests/hooks/")
