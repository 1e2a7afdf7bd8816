"""``zhaoshang new-city``: what it writes, checked file by file (no install; the install and the
service are the end-to-end test's)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

from click.testing import CliRunner

from core.cli import main
from core.scaffold import FILES, IMPLEMENTED_HOOKS, NewCity, generate_city
from core.scaffold.hook_menu import hook_entries
from tests.test_hooks import doc_sections, hook_specs

ROOT = Path(__file__).resolve().parents[2]
TIANSHUI = NewCity("tianshui", "天水市", "甘肃省")


def generated(tmp_path: Path) -> Path:
    return generate_city(TIANSHUI, tmp_path)


def test_the_command_writes_an_installable_package_registering_the_city(tmp_path):
    result = CliRunner().invoke(main, ["new-city", "tianshui", "--name", "天水市",
                                       "--province", "甘肃省", "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "zhaoshang-tianshui"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == sorted(
        name.format(package="zhaoshang_tianshui") for name in FILES)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["zhaoshang.cities"] == {
        "tianshui": "zhaoshang_tianshui.plugin"}
    config = tomllib.loads((root / "zhaoshang_tianshui" / "config.toml").read_text(encoding="utf-8"))
    assert config["city"] == {"code": "tianshui", "name": "天水市", "province": "甘肃省",
                              "policy_name": "", "office_unit": "office"}
    assert config["plugins"]["enabled"] == ["tianshui"]


def test_the_default_configuration_validates_as_a_deployment(tmp_path):
    from core.config import load_deployment

    raw = tomllib.loads((generated(tmp_path) / "zhaoshang_tianshui" / "config.toml").read_text(
        encoding="utf-8"))
    deployment = load_deployment(raw, "generated")
    assert [unit["code"] for unit in deployment["units"]] == ["office"]
    assert deployment["units"][0]["name"] == "天水市投资促进局"


def test_the_plugin_module_lists_every_hook_with_its_reference(tmp_path):
    plugin = (generated(tmp_path) / "zhaoshang_tianshui" / "plugin.py").read_text(encoding="utf-8")
    sections = doc_sections()
    assert [entry.name for entry in hook_entries()] and {e.name for e in hook_entries()} == set(
        hook_specs())
    for entry in hook_entries():
        assert f"# {entry.name} ({entry.kind}) — docs/hooks.md#{entry.name}" in plugin
        assert entry.name in sections  # the reference it points to exists
        if entry.name not in IMPLEMENTED_HOOKS:
            assert f"# def {entry.name}({', '.join(entry.arguments)}):" in plugin


def test_generated_code_passes_ruff_and_reaches_the_core_only_through_the_toolkit(tmp_path):
    root = generated(tmp_path)
    ruff = Path(sys.executable).with_name("ruff")
    linted = subprocess.run([str(ruff), "check", str(root)], capture_output=True, text=True,
                            cwd=root, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    for path in (root / "zhaoshang_tianshui").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        core = {m for m in modules if m and (m == "core" or m.startswith("core."))}
        assert core <= {"core.toolkit"}, f"{path.name} imports {core}"


def test_bad_values_and_an_existing_directory_are_refused_and_nothing_is_written(tmp_path):
    refused = CliRunner().invoke(main, ["new-city", "Tian Shui", "--name", "Tianshui",
                                        "--province", "甘肃省", "--dest", str(tmp_path)])
    assert refused.exit_code != 0
    assert "code: 城市编码须以小写字母开头" in refused.output
    assert "name: 须为中文名称" in refused.output
    assert list(tmp_path.iterdir()) == []
    root = generated(tmp_path)
    (root / "README.md").write_text("我的说明", encoding="utf-8")
    again = CliRunner().invoke(main, ["new-city", "tianshui", "--name", "天水市",
                                      "--province", "甘肃省", "--dest", str(tmp_path)])
    assert again.exit_code != 0 and "目录已存在" in again.output
    assert (root / "README.md").read_text(encoding="utf-8") == "我的说明"


def test_the_templates_are_declared_package_data_so_a_wheel_ships_them():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["core.scaffold"]
    templates = resources.files("core.scaffold") / "templates"
    names = [f"templates/{item.name}" for item in templates.iterdir()]
    assert sorted(names) == sorted(f"templates/{source}" for source in FILES.values())
    assert all(any(fnmatch(name, pattern) for pattern in patterns) for name in names)
