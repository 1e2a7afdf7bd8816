"""The kit runs the city's demo: a rule added later that breaks ``zhaoshang demo`` fails the
kit, and so does a demo event the catalogue does not know.

The city under test is Changsha's deployment file with one more plugin enabled, installed the
way any package is (a distribution on the path with a ``zhaoshang.cities`` entry point), so
``zhaoshang demo`` — a process of its own — loads it like a real deployment would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.config import built_in_config_path, read_toml
from core.conformance import CityConformance
from core.conformance.demo import demo_problems
from core.toml_writer import toml_text
from tests.support.distributions import write_city_distribution

SIGNING_GUARD = '''
from core.toolkit import Refusal, hookimpl


@hookimpl
def transition_guard(city, project, target, actor, session):
    # A rule added after the demo was written: nothing may be signed without a review.
    if target == "signed" and not (project.attributes or {}).get("late_review"):
        return [Refusal("late_review", "签约前须完成补充审查")]
    return None
'''

UNCATALOGUED_EVENT = '''
from core.toolkit import hookimpl, record_event


@hookimpl
def demo_data(city, session, demo):
    record_event(session, city, "latecity_note", 1, "written", {"text": "未登记的事件"})
'''


def install_plugin(site: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``latecity`` as an installed distribution on ``site``, for this process and its children."""
    package = site / "latecity"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "plugin.py").write_text(source, encoding="utf-8")
    write_city_distribution(site, "latecity", "latecity.plugin")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(site), os.environ.get("PYTHONPATH")])))


def changsha_with_latecity(tmp_path: Path) -> Path:
    raw = read_toml(built_in_config_path("changsha"))
    raw["plugins"]["enabled"] = [*raw["plugins"]["enabled"], "latecity"]
    path = tmp_path / "changsha.toml"
    path.write_text(toml_text(raw), encoding="utf-8")
    return path


def test_a_guard_that_breaks_the_demo_fails_the_kit(tmp_path, monkeypatch):
    install_plugin(tmp_path / "site", SIGNING_GUARD, monkeypatch)

    class Changsha(CityConformance):
        config_path = changsha_with_latecity(tmp_path)

    with pytest.raises(AssertionError) as failed:
        Changsha().test_the_demo_loads_on_a_fresh_database(tmp_path / "run")
    assert "zhaoshang demo failed" in str(failed.value)
    assert "签约前须完成补充审查" in str(failed.value)  # the refusal that broke it


def test_an_uncatalogued_demo_event_fails_the_kit(tmp_path, monkeypatch):
    install_plugin(tmp_path / "site", UNCATALOGUED_EVENT, monkeypatch)
    problems = demo_problems(changsha_with_latecity(tmp_path), tmp_path / "run")
    assert problems and all("latecity_note" in problem for problem in problems), problems
