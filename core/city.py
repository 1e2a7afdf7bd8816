"""The running city: its configuration, plugin manager and working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import pluggy
from marshmallow import ValidationError

from core.clock import Clock
from core.config import ConfigError, flatten_errors, load_deployment, ratio_share, read_toml
from core.event_catalogue import CatalogueError
from core.plugins import collected, get_plugin_manager
from core.workdays import WorkdayCalendar


@dataclass
class City:
    """Everything a hook needs to know about the city it runs for."""

    config: dict[str, Any]
    pm: pluggy.PluginManager
    plugin_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: str = "<config>"

    # -- identity ---------------------------------------------------------
    @property
    def code(self) -> str:
        return self.config["city"]["code"]

    @property
    def name(self) -> str:
        return self.config["city"]["name"]

    @property
    def province(self) -> str:
        return self.config["city"]["province"]

    @property
    def province_code(self) -> str | None:
        """The city's province as a GB/T 2260 code (``620000``), from ``[city] province``."""
        from core.divisions import normalise_province

        return normalise_province(self.province)

    @cached_property
    def clock(self) -> Clock:
        """The city's clock: its "today" and "now" in ``[city] timezone`` (core.clock)."""
        return Clock(self.config["city"]["timezone"])

    @property
    def policy(self) -> dict[str, Any]:
        return self.config["policy"]

    @property
    def hook(self) -> Any:
        return self.pm.hook

    @cached_property
    def event_catalogue(self) -> dict[str, Any]:
        """The event types this city may write: the core's plus its enabled plugins' own
        (``event_types`` hook); ``core.events.record_event`` refuses any other."""
        from core.plugin_events import catalogue_of

        return catalogue_of(self.pm)

    @property
    def topic(self) -> str:
        return f"{self.config['events']['topic_prefix']}.{self.code}"

    @property
    def event_source(self) -> str:
        from core.events import event_source  # core.events imports the models, not at load

        return event_source(self.code)

    def plugin_config(self, name: str) -> dict[str, Any]:
        """A plugin's validated configuration (defaults applied)."""
        return self.plugin_configs.get(name, {})

    # -- catalogue --------------------------------------------------------
    @cached_property
    def industries(self) -> dict[str, dict[str, Any]]:
        return {item["code"]: item for item in self.config["industries"]}

    def industry_name(self, code: str | None) -> str | None:
        return self.industries.get(code, {}).get("name") if code else None

    @cached_property
    def vocabularies(self) -> dict[str, dict[str, str]]:
        """Every open vocabulary: the core's codes plus the city's own (core.vocabularies)."""
        from core.vocabularies import merged

        return merged(self.config.get("vocabularies", {}))

    def vocabulary(self, name: str) -> dict[str, str]:
        """Code → Chinese label of one open vocabulary (``lead_channels``, ``matter_kinds``)."""
        return self.vocabularies[name]

    @cached_property
    def chains(self) -> dict[str, dict[str, Any]]:
        """The industrial chains of the investment map (``[[chains]]``), in file order."""
        return {chain["code"]: chain for chain in self.config["chains"]}

    @cached_property
    def calendar(self) -> WorkdayCalendar:
        calendar = WorkdayCalendar.default()
        for notice in self.config["calendar"]["notices"]:
            calendar.load_notice_file(Path(notice))
        return calendar

    def share(self, ratio_key: str) -> Decimal:
        return ratio_share(self.policy[ratio_key])

    def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a collected hook and flatten its results."""
        return collected(getattr(self.pm.hook, hook_name)(city=self, **kwargs))


def build_city(
    raw: dict[str, Any], origin: str = "<config>", extra_plugins: list | tuple = ()
) -> City:
    """Validate a deployment, build its plugin manager and each plugin's configuration."""
    config = load_deployment(raw, origin)
    pm = get_plugin_manager(config["plugins"]["enabled"], extra_plugins)
    plugin_configs: dict[str, dict[str, Any]] = {}
    declared = {}
    for item in pm.hook.plugin_config_schema():
        if item is not None:
            name, schema = item
            declared[name] = schema
    raw_sections = config["plugins"]["raw"]
    unknown = sorted(set(raw_sections) - set(declared))
    if unknown:
        raise ConfigError(
            f"{origin}: [plugins.{unknown[0]}] configures a plugin that declares no "
            f"configuration or is not enabled"
        )
    for name, schema in declared.items():
        try:
            plugin_configs[name] = schema().load(raw_sections.get(name, {}))
        except ValidationError as exc:
            details = "\n  ".join(flatten_errors(exc.messages, f"plugins.{name}"))
            raise ConfigError(f"{origin}: invalid configuration:\n  {details}") from exc
    city = City(config=config, pm=pm, plugin_configs=plugin_configs, origin=origin)
    try:
        city.event_catalogue  # noqa: B018 - assembled now: a conflict stops startup
    except CatalogueError as exc:
        raise ConfigError(f"{origin}: {exc}") from exc
    return city


def load_city(path: Path | str, extra_plugins: list | tuple = ()) -> City:
    """Read and validate a deployment file."""
    path = Path(path)
    return build_city(read_toml(path), str(path), extra_plugins)
