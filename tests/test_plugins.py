"""The plugin machinery: defaults that a city overrides, enabling, configuration, the five cities."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from marshmallow import Schema, fields, validate

from core import hookimpl
from core.city import build_city, load_city
from core.cli import main as cli
from core.config import ConfigError, built_in_config_path
from core.plugins import get_plugin_manager, installed_plugins
from core.policy import TransferSharing
from tests.support.cities import city_config, make_city
from tests.support.distributions import write_city_distribution

BUILT_IN = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")


def config_error(**overrides) -> str:
    with pytest.raises(ConfigError) as info:
        make_city(**overrides)
    return str(info.value)


# -- the manager --------------------------------------------------------------


def test_the_core_defaults_are_registered_trylast():
    pm = get_plugin_manager()
    assert pm.get_plugin("core.defaults") is not None
    defaults = [impl for caller in pm.hook.__dict__.values() if hasattr(caller, "get_hookimpls")
                for impl in caller.get_hookimpls() if impl.plugin_name == "core.defaults"]
    assert {impl.function.__name__ for impl in defaults} >= {
        "route_lead", "lead_first_talk_deadline", "transfer_sharing", "stage_required_fields",
        "classify_project"}
    assert all(impl.trylast for impl in defaults)


def test_every_first_result_hook_answered_by_the_core_lets_a_city_answer_first():
    pm = get_plugin_manager()
    for name, caller in vars(pm.hook).items():
        if not hasattr(caller, "get_hookimpls") or not caller.spec.opts.get("firstresult"):
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin_name.startswith("core."):
                assert impl.trylast, f"{impl.plugin_name} answers {name} before the cities"


class CityRules:
    """A throwaway city plugin: its own routing, deadline, sharing and a tier of its own."""

    @hookimpl
    def route_lead(self, city, lead, session):
        from core.services.lookups import unit_by_code

        return unit_by_code(session, "dept", "routed")

    @hookimpl
    def lead_first_talk_deadline(self, city, lead):
        return lead.reported_on + dt.timedelta(days=10)

    @hookimpl
    def transfer_sharing(self, city, project, from_unit, to_unit):
        return TransferSharing(Decimal("0.5"), Decimal("0.5"), "start", "first_tax")

    @hookimpl
    def classify_project(self, city, project):
        return ["provincial_key"]


def test_a_city_plugin_overrides_first_result_hooks_and_adds_to_collected_ones():
    city = make_city(extra_plugins=[("rules", CityRules())])
    project = type("P", (), {"amount": Decimal(200000)})()
    sharing = city.hook.transfer_sharing(city=city, project=project, from_unit=None,
                                         to_unit=None)
    assert sharing == TransferSharing(Decimal("0.5"), Decimal("0.5"), "start", "first_tax")
    lead = type("L", (), {"reported_on": dt.date(2024, 3, 4)})()
    assert city.hook.lead_first_talk_deadline(city=city, lead=lead) == dt.date(2024, 3, 14)
    # Collected: the city's tier and the core's "major" side by side.
    assert sorted(city.call("classify_project", project=project)) == ["major", "provincial_key"]


def test_the_override_reaches_the_api(client_for):
    client = client_for(make_city(extra_plugins=[("rules", CityRules())]))
    lead = client.post("/leads", json={"title": "新能源线索", "enterprise": {"name": "某新能源有限公司"},
                                       "reporting_unit": "east", "reported_on": "2024-03-04"}).json
    assert (lead["routed_to_unit"], lead["first_talk_due"]) == ("dept", "2024-03-14")


def test_the_first_enabled_plugin_wins_a_first_result_hook():
    class Ten:
        @hookimpl
        def lead_first_talk_deadline(self, city, lead):
            return dt.date(2024, 1, 10)

    class Twenty:
        @hookimpl
        def lead_first_talk_deadline(self, city, lead):
            return dt.date(2024, 1, 20)

    lead = type("L", (), {"reported_on": dt.date(2024, 1, 2)})()
    city = make_city(extra_plugins=[("ten", Ten()), ("twenty", Twenty())])
    assert city.hook.lead_first_talk_deadline(city=city, lead=lead) == dt.date(2024, 1, 10)
    city = make_city(extra_plugins=[("twenty", Twenty()), ("ten", Ten())])
    assert city.hook.lead_first_talk_deadline(city=city, lead=lead) == dt.date(2024, 1, 20)


# -- installing is not enabling -------------------------------------------------


def test_the_five_cities_are_installed_as_entry_points():
    assert set(BUILT_IN) <= set(installed_plugins())


def test_a_city_installed_while_the_process_runs_is_found(tmp_path, monkeypatch):
    """The installed cities are read once per search path as it stands: a distribution added
    to a directory already on the path (``pip install`` into the running environment) is
    found, as is one on a directory put on the path."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert "latecity" not in installed_plugins()
    write_city_distribution(site, "latecity", "latecity.plugin")
    # A real installation comes seconds after the first look; here it may fall within the
    # filesystem clock's same tick, so the directory's time is moved on as that later one.
    stat = site.stat()
    os.utime(site, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert installed_plugins()["latecity"].value == "latecity.plugin"


def test_an_installed_city_that_is_not_enabled_is_not_registered():
    city = make_city(plugins={"enabled": []})
    for name in BUILT_IN:
        assert city.pm.get_plugin(name) is None
    enabled = make_city(plugins={"enabled": ["pingliang"]})
    assert enabled.pm.get_plugin("pingliang") is not None
    assert enabled.pm.get_plugin("lanzhou") is None


def test_a_missing_enabled_plugin_stops_startup_naming_it():
    message = config_error(plugins={"enabled": ["atlantis"]})
    assert "atlantis" in message
    assert "not installed" in message
    assert "pingliang" in message  # and says what is installed


def test_the_cli_reports_a_missing_plugin_without_a_traceback(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text('[city]\ncode = "nowhere"\nname = "无名市"\nprovince = "甘肃省"\n'
                    '[plugins]\nenabled = ["atlantis"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["openapi", "--config", str(path)])
    assert result.exit_code == 1
    assert "atlantis" in result.output
    assert "Traceback" not in result.output


# -- configuration --------------------------------------------------------------


def test_a_bad_ratio_names_its_field():
    message = config_error(policy={"transfer_tax_ratio": "3-7"})
    assert "policy.transfer_tax_ratio: 比例格式应为 m:n，例如 3:7" in message


def test_an_unknown_section_is_named():
    message = config_error(polcy={"first_talk_working_days": 2})
    assert "polcy" in message


def test_every_problem_is_listed_at_once():
    message = config_error(policy={"transfer_tax_ratio": "x", "indicator_sharing_from": "never",
                                   "first_talk_working_days": 0})
    for path in ("policy.transfer_tax_ratio", "policy.indicator_sharing_from",
                 "policy.first_talk_working_days"):
        assert path in message


def test_a_unit_with_an_unknown_parent_is_named():
    units = [*city_config()["units"], {"code": "annex", "name": "飞地园区", "kind": "park",
                                       "parent": "mars"}]
    message = config_error(units=units)
    assert "units" in message
    assert "annex" in message and "mars" in message


def test_a_unit_with_an_unknown_industry_or_kind_is_named():
    units = [{"code": "office", "name": "投资促进局", "kind": "office"},
             {"code": "zone", "name": "新区", "kind": "spaceport", "industries": ["mining"]}]
    message = config_error(units=units)
    assert "units.1.kind" in message


class Configured:
    """A throwaway plugin with a configuration schema and defaults."""

    class Settings(Schema):
        points_per_lead = fields.Integer(load_default=1, validate=validate.Range(min=0))
        regions = fields.List(fields.String(), load_default=lambda: ["长三角"])

    @hookimpl
    def plugin_config_schema(self):
        return "configured", self.Settings


def test_a_plugin_gets_its_configuration_with_defaults():
    city = make_city(extra_plugins=[("configured", Configured())])
    assert city.plugin_config("configured") == {"points_per_lead": 1, "regions": ["长三角"]}
    city = make_city(extra_plugins=[("configured", Configured())],
                     plugins={"enabled": [], "configured": {"points_per_lead": 3}})
    assert city.plugin_config("configured")["points_per_lead"] == 3


def test_a_plugin_section_failing_its_schema_names_the_field():
    with pytest.raises(ConfigError) as info:
        make_city(extra_plugins=[("configured", Configured())],
                  plugins={"enabled": [], "configured": {"points_per_lead": -1, "colour": "红"}})
    message = str(info.value)
    assert "plugins.configured.points_per_lead" in message
    assert "plugins.configured.colour" in message


def test_a_section_for_a_plugin_that_is_not_there_is_refused():
    message = config_error(plugins={"enabled": [], "lanzhou": {"reward_cap": "40"}})
    assert "[plugins.lanzhou]" in message


def test_a_missing_or_broken_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_city(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[city\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_city(broken)


def test_the_city_section_is_required():
    raw = city_config()
    del raw["city"]
    with pytest.raises(ConfigError, match="city"):
        build_city(raw)


# -- the five built-in cities ---------------------------------------------------


@pytest.mark.parametrize("code", BUILT_IN)
def test_each_built_in_configuration_validates_and_boots(code, tmp_path):
    from core.app import create_app
    from core.cli import prepare_database

    path = built_in_config_path(code)
    assert path == Path(__file__).resolve().parent.parent / "plugins" / code / "config.toml"
    city = load_city(path)
    assert city.code == code
    assert city.config["plugins"]["enabled"][0] == code
    assert city.pm.get_plugin(code) is not None
    assert city.config["units"], "a city ships its unit tree"
    app = create_app(city, database_url=f"sqlite:///{tmp_path / 'city.db'}")
    try:
        prepare_database(app)
        response = app.test_client().get("/api/v1/city")
        assert response.status_code == 200, response.json
        assert response.json["code"] == code
        assert response.json["plugins"][0] == code
        units = app.test_client().get("/api/v1/units?per_page=500").json
        assert units["total"] == len(city.config["units"])
    finally:
        app.extensions["zhaoshang"].engine.dispose()
