"""The layers (issue 23): the core depends on nothing built on it.

The core is what a city package installs; the province, the gateway, ``infra`` and the city
plugins are built on it. An import upwards would make every city carry them (and their start-up
cost), so the ``zhaoshang`` command and the conformance kit find those parts through entry
points instead (core/cli.py, core/conformance/parts.py), and the gateway asks a city for its
labels over HTTP instead of importing the core's lists.
"""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
ABOVE_THE_CORE = ("province", "gateway", "infra", "plugins", "tests")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (at any depth: lazy imports in functions count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line} imports {module}"
            for path in sorted((ROOT / package).rglob("*.py"))
            for line, module in imported_modules(path)
            if module.split(".")[0] in forbidden]


def test_the_core_imports_nothing_built_on_it() -> None:
    assert upward_imports("core", ABOVE_THE_CORE) == []


def test_the_walk_sees_lazy_and_from_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    from province.cli import main\n"
                      "    import gateway.app as g\n")
    assert [module for _, module in imported_modules(sample)] == ["os", "province.cli",
                                                                 "gateway.app"]


def test_the_gateway_asks_cities_for_labels_rather_than_importing_the_core_models() -> None:
    assert [hit for hit in upward_imports("gateway", ("core",)) if "core.models" in hit] == []


def test_the_zhaoshang_command_is_assembled_from_its_parts() -> None:
    from core.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0, listed.output
    # The core's own commands and those the province and the gateway register.
    for name in ("migrate", "demo", "serve", "relay", "province", "gateway", "users"):
        assert f"  {name} " in listed.output, name
    province = runner.invoke(main, ["province", "--help"])
    assert province.exit_code == 0 and "dead-letters" in province.output
    gateway = runner.invoke(main, ["gateway", "--help"])
    assert gateway.exit_code == 0 and "demo-users" in gateway.output


def test_serve_names_the_registered_services_when_asked_for_an_unknown_one() -> None:
    from core.cli import main

    result = CliRunner().invoke(main, ["serve", "nowhere"])
    assert result.exit_code == 2
    assert "unknown service 'nowhere'; known: city, province" in result.output
