"""``[plugins.pingliang]``: every default of POLICIES.md § pingliang, bad values stop startup,
and docs/cities/pingliang.md names every key."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.config import ConfigError
from plugins.pingliang.settings import PingliangSettings
from plugins.pingliang.tests.conftest import pingliang_city

DOC = Path(__file__).resolve().parents[3] / "docs" / "cities" / "pingliang.md"


def test_defaults_are_the_policy_numbers():
    config = PingliangSettings().load({})
    assert config["warnings"] == {"blue_after_days": 30, "red_after_overdue_days": 60,
                                  "red_arrival_rate": Decimal("0.3"),
                                  "red_arrival_after_days": 365}
    funds = config["promotion_funds"]
    assert (funds["county_amount"], funds["department_amount"]) == (Decimal(100), Decimal(20))
    assert config["reserve_target"] == 132
    assert config["channels"] == ["leader_led", "chain", "fair", "intermediary",
                                  "resident_office", "ambassador", "online_signing",
                                  "returning_natives"]
    assert config["assessment"]["periods"] == ["quarter", "year"]  # 季评价、年考核


def test_the_deployment_file_sets_nine_chain_task_forces(pingliang):
    forces = pingliang.plugin_config("pingliang")["task_forces"]
    assert len(forces) == 9
    names = [force["name"] for force in forces]
    assert names[0].startswith("煤炭清洁高效利用") and names[1].startswith("平凉红牛")
    for force in forces:
        assert set(force["industries"]) <= set(pingliang.industries)


def test_an_industry_in_two_task_forces_stops_startup():
    forces = [{"code": "a", "name": "甲专班", "industries": ["apple"]},
              {"code": "b", "name": "乙专班", "industries": ["apple"]}]
    with pytest.raises(ConfigError, match="task_forces"):
        pingliang_city(task_forces=forces)


def test_a_rate_above_one_and_an_unknown_channel_stop_startup():
    with pytest.raises(ConfigError, match="warnings.red_arrival_rate"):
        pingliang_city(warnings={"red_arrival_rate": "1.5"})
    with pytest.raises(ConfigError, match="channels"):
        pingliang_city(channels=["carrier_pigeon"])


def test_funds_from_a_period_that_is_not_assessed_stop_startup():
    with pytest.raises(ConfigError, match="promotion_funds.scheme_period"):
        pingliang_city(assessment={"periods": ["quarter"], "summons_period": "quarter"})


def _keys(schema, prefix=""):
    """Every key of the section, sub-sections as ``section.key`` (lists of tables whole)."""
    for name, field in schema().fields.items():
        nested = getattr(field, "nested", None)  # a sub-section, not a list of tables
        if isinstance(nested, type):
            yield from _keys(nested, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def test_the_city_document_lists_every_key_with_its_default():
    text = DOC.read_text(encoding="utf-8")
    missing = [key for key in _keys(PingliangSettings)
               if not re.search(rf"`{re.escape(key)}`", text)]
    assert not missing, f"docs/cities/pingliang.md does not name: {missing}"
