"""Schema migrations of the province store (its own Alembic history, ``province/migrations``)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy.engine import Engine

from core.alembic_upgrade import upgrade_one_at_a_time

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Bring the province database to the newest schema (or to revision ``target``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    config.set_main_option("path_separator", "space")
    upgrade_one_at_a_time(engine, config, "province", target)
