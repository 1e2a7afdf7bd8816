"""A city as its tests build it: from its deployment file, with keys replaced; its app, migrated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask

from core.city import City, build_city


def city_from_file(path: str | Path, policy: dict[str, Any] | None = None,
                   **plugin_overrides: Any) -> City:
    """The city of the deployment file ``path``, with keys of ``[policy]`` and of its own
    ``[plugins.<code>]`` section replaced (a test's variant of the deployment)."""
    from core.config import read_toml

    raw = read_toml(Path(path))
    raw.setdefault("policy", {}).update(policy or {})
    code = raw["city"]["code"]
    raw.setdefault("plugins", {}).setdefault(code, {}).update(plugin_overrides)
    return build_city(raw, str(path))


def built_in_city(code: str, policy: dict[str, Any] | None = None,
                  **plugin_overrides: Any) -> City:
    """An installed city from its default ``config.toml`` (:func:`city_from_file`)."""
    from core.config import built_in_config_path

    return city_from_file(built_in_config_path(code), policy, **plugin_overrides)


def ready_app(city: City, db_url: str) -> Flask:
    """The city's service on ``db_url``, migrated, with its units loaded."""
    from core.app import create_app
    from core.cli import prepare_database
    from core.testing.schema_templates import copy_migrated_schema

    copy_migrated_schema(city, db_url)  # an empty database: its schema copied, not migrated
    app = create_app(city, database_url=db_url)
    app.testing = True
    prepare_database(app)
    return app


def serve(city: City, db_url: str) -> Iterator[Flask]:
    """A fixture's body: the city's migrated app, its connection pool closed afterwards (hundreds
    of apps must not exhaust PostgreSQL's connection slots)."""
    app = ready_app(city, db_url)
    yield app
    app.extensions["zhaoshang"].engine.dispose()
