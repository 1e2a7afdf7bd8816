"""Schema migrations: the core's Alembic history plus one branch per plugin with tables.

A plugin that owns tables ships ``<package>/migrations/versions`` with a branch
label of its own name; :func:`upgrade` runs every enabled plugin's branch with the
core's, so a new city adds tables without touching the core.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy.engine import Engine

from core.alembic_upgrade import upgrade_one_at_a_time
from core.city import City

CORE_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def plugin_version_dirs(city: City) -> list[Path]:
    dirs = []
    for name in city.config["plugins"]["enabled"]:
        module = city.pm.get_plugin(name)
        candidate = Path(module.__file__).resolve().parent / "migrations" / "versions"
        if candidate.is_dir():
            dirs.append(candidate)
    return dirs


def alembic_config(city: City, engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(CORE_MIGRATIONS))
    locations = [CORE_MIGRATIONS / "versions", *plugin_version_dirs(city)]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    return config


def upgrade(city: City, engine: Engine) -> None:
    """Bring the city's database to the newest schema of the core and its plugins."""
    upgrade_one_at_a_time(engine, alembic_config(city, engine), f"city:{city.code}")
    after_upgrade(city, engine)


def after_upgrade(city: City, engine: Engine) -> dict[str, list[int]]:
    """What only the running city can do after the schema changed, idempotent like the
    upgrade: re-derive every project's 省外 from its investor (migration 0010 knew the
    investors' provinces, not the city's; :func:`core.services.enterprises.rederive_origins`)."""
    from core.db import make_session_factory, unit_of_work
    from core.services.enterprises import rederive_origins

    with unit_of_work(make_session_factory(engine)) as session:
        return {"origins_rederived": rederive_origins(session, city)}
