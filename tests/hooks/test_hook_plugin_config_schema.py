"""``plugin_config_schema``: a plugin's own configuration section, validated, with defaults."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields, validate

from core import hookimpl
from core.config import ConfigError
from tests.support.cities import make_city


class Settings(Schema):
    warn_after_days = fields.Integer(load_default=30, validate=validate.Range(min=1))
    regions = fields.List(fields.String(), load_default=lambda: ["长三角", "珠三角"])


class Configured:
    @hookimpl
    def plugin_config_schema(self):
        return "warner", Settings


def test_hook_plugin_config_schema_gives_defaults_and_reads_the_section():
    city = make_city(extra_plugins=[("warner", Configured())])
    assert city.plugin_config("warner") == {"warn_after_days": 30, "regions": ["长三角", "珠三角"]}
    city = make_city(extra_plugins=[("warner", Configured())],
                     plugins={"enabled": [], "warner": {"warn_after_days": 10}})
    assert city.plugin_config("warner")["warn_after_days"] == 10


def test_hook_plugin_config_schema_refuses_a_bad_section_by_its_path():
    with pytest.raises(ConfigError) as info:
        make_city(extra_plugins=[("warner", Configured())],
                  plugins={"enabled": [], "warner": {"warn_after_days": 0}})
    assert "plugins.warner.warn_after_days" in str(info.value)


def test_hook_plugin_config_schema_shows_in_the_effective_configuration(client_for):
    client = client_for(make_city(extra_plugins=[("warner", Configured())],
                                  plugins={"enabled": [], "warner": {"regions": ["成渝"]}}))
    configuration = client.get("/city").json["configuration"]
    assert configuration["plugins"]["warner"] == {"warn_after_days": 30, "regions": ["成渝"]}
