"""Test databases whose schema is copied from a migrated template (core.testing.schema_templates):
the copy is exactly what the migrations make, it is only ever made in an empty database, and a
city with other migrations gets its own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.config import built_in_config_path
from core.db import Base, make_engine
from core.migrate import alembic_config
from core.testing import schema_templates
from core.testing.cities import city_from_file, ready_app
from tests.support.cities import make_city


@pytest.fixture
def second_db_url(db_url, request, tmp_path):
    """Another empty database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"second_{sa.engine.make_url(db_url).database}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


def _schema_problems(city, url):
    """What differs between the database at ``url`` and the models, and whether its Alembic
    revisions are the heads of the city's history."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            heads = set(ScriptDirectory.from_config(alembic_config(city, engine)).get_heads())
            return differences, set(context.get_current_heads()) == heads
    finally:
        engine.dispose()


def test_a_copied_schema_is_the_migrated_one_and_a_city_with_a_plugin_gets_its_own(
        db_url, second_db_url, monkeypatch):
    migrated = []
    original = schema_templates._migrate
    monkeypatch.setattr(schema_templates, "_migrate",
                        lambda city, url: (migrated.append(city.code), original(city, url)))
    monkeypatch.setattr(schema_templates, "_templates", {})
    core_city = make_city()
    assert schema_templates.copy_migrated_schema(core_city, db_url) is True
    assert migrated == [core_city.code]  # the template: migrated once, then copied

    pingliang = city_from_file(built_in_config_path("pingliang"))
    assert schema_templates.copy_migrated_schema(pingliang, second_db_url) is True
    assert migrated == [core_city.code, "pingliang"]  # its plugin's branch: another schema

    app = ready_app(core_city, db_url)
    app.extensions["zhaoshang"].engine.dispose()
    differences, at_head = _schema_problems(core_city, db_url)
    assert at_head
    # The core's tables exactly as the models say (the plugins' tables are not in this one).
    core_tables = {table.name for table in Base.metadata.sorted_tables
                   if not table.name.startswith(("pingliang_", "lanzhou_", "ziyang_",
                                                 "sanming_", "changsha_"))}
    assert [d for d in differences if d[0] != "remove_table"
            and getattr(d[1], "name", None) in core_tables] == []
    app = ready_app(pingliang, second_db_url)
    app.extensions["zhaoshang"].engine.dispose()
    assert _schema_problems(pingliang, second_db_url)[1]
    assert migrated == [core_city.code, "pingliang"]  # nothing migrated in place


def test_a_database_with_rows_is_never_replaced(db_url):
    city = make_city()
    first = ready_app(city, db_url)
    with first.extensions["zhaoshang"].engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO enterprises (name, normalized_name, tags, "
                                   "version) VALUES ('留下的企业', '留下的企业', '[]', 1)"))
    first.extensions["zhaoshang"].engine.dispose()

    assert schema_templates.copy_migrated_schema(city, db_url) is False
    second = ready_app(city, db_url)  # a second app on the same database keeps its rows
    with second.extensions["zhaoshang"].engine.connect() as connection:
        names = connection.scalars(sa.text("SELECT name FROM enterprises")).all()
    second.extensions["zhaoshang"].engine.dispose()
    assert names == ["留下的企业"]
