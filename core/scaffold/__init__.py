"""``zhaoshang new-city``: a new city as an installable package of its own.

:func:`generate_city` writes the package from the templates in ``core/scaffold/templates``
(shipped as package data): a ``pyproject.toml`` registering the ``zhaoshang.cities`` entry
point, the plugin module with every hook of :mod:`core.hookspecs` listed as a commented menu
(:mod:`core.scaffold.hook_menu`), one event type of the city's own (``events.py``, declared
through the ``event_types`` hook and written when a lead is reported), the settings schema of
``[plugins.<code>]``, a default
deployment file, the city's own tests with the conformance kit (:mod:`core.conformance`), and
a README. Nothing outside the new directory is touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from string import Template

from core.config import CitySection
from core.scaffold.hook_menu import render_menu

# The generated plugin module implements these; the menu names them instead of stubbing them.
IMPLEMENTED_HOOKS = frozenset({"plugin_config_schema", "event_types", "after_lead_reported"})
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class ScaffoldError(ValueError):
    """The new city cannot be generated; the message says why (in Chinese, for the command line)."""


@dataclass(frozen=True)
class NewCity:
    """Who the new city is: its code (the topic suffix), Chinese name and province."""

    code: str
    name: str
    province: str

    @property
    def package(self) -> str:
        return f"zhaoshang_{self.code}"

    @property
    def distribution(self) -> str:
        return f"zhaoshang-{self.code.replace('_', '-')}"

    def problems(self) -> list[str]:
        """What is wrong with these values, each as ``field: message``."""
        found = []
        # The deployment file's own rule for a city code (it is also the topic suffix).
        if "code" in CitySection().validate({"code": self.code, "name": "-", "province": "-"}):
            found.append("code: 城市编码须以小写字母开头，由小写字母、数字或下划线组成（2–32 位），"
                         "例如 tianshui")
        for field, value, example in (("name", self.name, "天水市"),
                                      ("province", self.province, "甘肃省")):
            if not CHINESE.search(value or ""):
                found.append(f"{field}: 须为中文名称，例如 {example}")
        return found


# destination (relative to the package root) → template file
FILES = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    "{package}/__init__.py": "package_init.py.tmpl",
    "{package}/plugin.py": "plugin.py.tmpl",
    "{package}/settings.py": "settings.py.tmpl",
    "{package}/events.py": "events.py.tmpl",
    "{package}/config.toml": "config.toml.tmpl",
    "tests/conftest.py": "conftest.py.tmpl",
    "tests/test_settings.py": "test_settings.py.tmpl",
    "tests/test_api.py": "test_api.py.tmpl",
    "tests/test_events.py": "test_events.py.tmpl",
    "tests/test_conformance.py": "test_conformance.py.tmpl",
}


def core_version() -> str:
    try:
        return version("zhaoshang")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "0.1.0"


def render(city: NewCity) -> dict[str, str]:
    """Every file of the new package: relative path → text."""
    values = {"code": city.code, "name": city.name, "province": city.province,
              "package": city.package, "distribution": city.distribution,
              "core_version": core_version(), "hook_menu": render_menu(IMPLEMENTED_HOOKS).rstrip()}
    templates = resources.files("core.scaffold") / "templates"
    return {destination.format(package=city.package):
            Template(templates.joinpath(source).read_text(encoding="utf-8")).substitute(values)
            for destination, source in FILES.items()}


def generate_city(city: NewCity, parent: Path) -> Path:
    """Write the new city's package into ``parent/<distribution>``; return that directory.

    Refuses invalid values and an existing directory (nothing is overwritten).
    """
    problems = city.problems()
    if problems:
        raise ScaffoldError("\n".join(problems))
    root = Path(parent) / city.distribution
    if root.exists():
        raise ScaffoldError(f"目录已存在，不覆盖：{root}")
    for relative, text in render(city).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
