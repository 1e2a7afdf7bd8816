"""``make up`` with replicas of a city: more serve processes on one PostgreSQL database, the
gateway balancing over them; refused on SQLite, which two processes cannot write."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from infra.suite import SuiteError, parse_cities, suite_services


def read(path: Path | str) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def test_replicas_on_sqlite_are_refused_with_the_way_out(tmp_path):
    with pytest.raises(SuiteError, match="PostgreSQL.*--postgres"):
        suite_services(tmp_path, parse_cities("lanzhou*2,ziyang"))
    with pytest.raises(SuiteError, match="code\\*N"):
        parse_cities("lanzhou*two")


def test_two_replicas_share_a_postgresql_database_behind_the_gateway(tmp_path, postgres_server):
    postgres_server.drop_database("zhaoshang_ziyang")
    cities = parse_cities("lanzhou,ziyang*2", replicas=1)
    services = {s.name: s for s in suite_services(
        tmp_path, cities, first_port=9101, postgres=postgres_server.url("").rstrip("/"))}
    first, second = services["ziyang"], services["ziyang-2"]
    assert "lanzhou-2" not in services
    assert first.prepare and not second.prepare  # the first process migrates, once
    assert first.command[first.command.index("--config") + 1] == \
        second.command[second.command.index("--config") + 1]
    config = read(second.command[second.command.index("--config") + 1])
    assert config["database"]["url"] == postgres_server.url("zhaoshang_ziyang")
    assert postgres_server.execute(
        "SELECT 1 FROM pg_database WHERE datname = 'zhaoshang_ziyang'") == [(1,)]
    assert second.ready_url == "http://127.0.0.1:9103/readyz"  # after the last city's port
    lanzhou = read(services["lanzhou"].command[services["lanzhou"].command.index("--config") + 1])
    assert lanzhou["database"]["url"].startswith("sqlite:///")  # one process: as before
    gateway = {c["code"]: c for c in read(tmp_path / "gateway.toml")["cities"]}
    assert gateway["ziyang"]["urls"] == ["http://127.0.0.1:9102", "http://127.0.0.1:9103"]
    assert gateway["lanzhou"]["url"] == "http://127.0.0.1:9101"
    postgres_server.drop_database("zhaoshang_ziyang")
