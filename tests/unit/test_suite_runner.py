"""``make up``'s runner: the service list, readiness, starting and stopping children."""

from __future__ import annotations

import io
import socket
import sys
import tomllib
from pathlib import Path

import pytest

from core.loopback_ports import free_port
from infra.suite import (
    CITIES,
    PROJECT_ROOT,
    Service,
    Suite,
    SuiteError,
    city_service,
    is_ready,
    main,
    parse_cities,
    plugin_config_path,
    resolve_city,
    suite_services,
)

TIANSHUI = """
[city]
code = "tianshui"
name = "天水市"
province = "甘肃省"

[database]
url = "postgresql+psycopg://zhaoshang@db/tianshui"

[plugins]
enabled = ["tianshui"]
"""


def read(path: Path | str) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def option(service: Service, name: str) -> str:
    return service.command[service.command.index(name) + 1]


def test_the_five_cities_on_8101_to_8105_each_with_its_own_database(tmp_path):
    services = {service.name: service for service in suite_services(tmp_path)}
    cities = [services[code] for code in CITIES]
    assert [s.label for s in cities] == ["兰州市", "资阳市", "三明市", "长沙市", "平凉市"]
    assert [s.public_url for s in cities] == [
        f"http://127.0.0.1:{port}/api/v1/" for port in range(8101, 8106)]
    assert [s.ready_url.rstrip("/").split(":")[-1].split("/")[0] for s in cities] == [
        str(port) for port in range(8101, 8106)]
    databases = {read(option(s, "--config"))["database"]["url"] for s in cities}
    assert databases == {f"sqlite:///{tmp_path / code}.db" for code in CITIES}


def test_a_city_service_prepares_its_demo_then_serves(tmp_path):
    config = tmp_path / "lanzhou.toml"
    lanzhou = city_service(resolve_city("lanzhou"), 8101, config)
    assert lanzhou.ready_url == "http://127.0.0.1:8101/api/v1/city"
    assert lanzhou.command[-7:] == ("serve", "--config", str(config), "--host", "127.0.0.1",
                                    "--port", "8101")
    assert lanzhou.prepare == (
        (sys.executable, "-m", "core.cli", "demo", "--config", str(config)),
        (sys.executable, "-m", "core.cli", "snapshot", "--config", str(config)))
    assert city_service(resolve_city("lanzhou"), 8101, config, demo=False).prepare[0][-3] \
        == "migrate"


def test_an_installed_city_runs_the_file_its_plugin_ships():
    assert plugin_config_path("pingliang") == PROJECT_ROOT / "plugins" / "pingliang" / "config.toml"
    assert resolve_city("pingliang").name == "平凉市"


def test_one_entry_brings_a_city_of_ones_own_beside_a_built_in_one(tmp_path):
    """``--cities lanzhou,tianshui=<file>``: the province, the gateway, the relays and the
    ports all follow from that one list."""
    (tmp_path / "tianshui.toml").write_text(TIANSHUI, encoding="utf-8")
    var = tmp_path / "var"
    var.mkdir()
    cities = parse_cities(f"lanzhou, tianshui={tmp_path / 'tianshui.toml'}")
    services = {s.name: s for s in suite_services(var, cities, first_port=9101)}
    tianshui = services["tianshui"]
    assert (tianshui.label, tianshui.ready_url) == ("天水市", "http://127.0.0.1:9102/readyz")
    # The suite runs its own copy: a SQLite database under var/, never the file's own database.
    own = read(option(tianshui, "--config"))
    assert own["database"]["url"] == f"sqlite:///{var / 'tianshui.db'}"
    assert own["events"]["bootstrap_servers"] == "127.0.0.1:9092"
    assert own["plugins"] == {"enabled": ["tianshui"]}
    assert option(services["relay-tianshui"], "--config") == option(tianshui, "--config")
    assert services["relay-tianshui"].url.endswith("zhaoshang.tianshui")
    province = read(option(services["province-consumer"], "--config"))
    assert province["cities"] == {"collect": ["lanzhou", "tianshui"],
                                  "names": {"lanzhou": "兰州市", "tianshui": "天水市"}}
    assert province["kafka"]["bootstrap_servers"] == "127.0.0.1:9092"
    assert option(services["province"], "--config") == option(services["province-consumer"],
                                                              "--config")
    gateway = read(option(services["gateway"], "--config"))
    assert [(c["code"], c["name"], c["url"]) for c in gateway["cities"]] == [
        ("lanzhou", "兰州市", "http://127.0.0.1:9101"),
        ("tianshui", "天水市", "http://127.0.0.1:9102")]
    # One signing secret for everyone behind the gateway.
    assert len({s.env["ZHAOSHANG_GATEWAY_SECRET"] for s in services.values()}) == 1


def test_the_five_built_in_cities_and_one_of_ones_own_from_one_list(tmp_path):
    """``make up`` with the five and Tianshui: six city files, a province collecting six
    topics, a gateway with six upstreams — what the end-to-end test (one built-in city beside
    Tianshui) relies on holding for any number of entries."""
    (tmp_path / "tianshui.toml").write_text(TIANSHUI, encoding="utf-8")
    var = tmp_path / "var"
    var.mkdir()
    codes = [*CITIES, "tianshui"]
    cities = parse_cities(f"{','.join(CITIES)},tianshui={tmp_path / 'tianshui.toml'}")
    services = {s.name: s for s in suite_services(var, cities, first_port=9101)}
    files = {code: read(option(services[code], "--config")) for code in codes}
    assert {code: (f["city"]["code"], f["database"]["url"]) for code, f in files.items()} == {
        code: (code, f"sqlite:///{var / code}.db") for code in codes}
    assert all(f"relay-{code}" in services for code in codes)
    province = read(option(services["province-consumer"], "--config"))
    assert province["cities"]["collect"] == codes
    assert province["cities"]["names"] == {
        "lanzhou": "兰州市", "ziyang": "资阳市", "sanming": "三明市", "changsha": "长沙市",
        "pingliang": "平凉市", "tianshui": "天水市"}
    gateway = read(option(services["gateway"], "--config"))
    assert [(c["code"], c["url"]) for c in gateway["cities"]] == [
        (code, f"http://127.0.0.1:{port}") for code, port in zip(codes, range(9101, 9107),
                                                                 strict=True)]


def test_a_running_broker_replaces_the_suites_own(tmp_path):
    services = {s.name: s for s in suite_services(tmp_path, ["changsha"],
                                                  bootstrap_servers="10.0.0.5:19092")}
    assert "kafka" not in services
    assert services["relay-changsha"].ready_url == "tcp://10.0.0.5:19092"
    assert read(option(services["changsha"], "--config"))["events"]["bootstrap_servers"] \
        == "10.0.0.5:19092"


def test_a_file_of_another_city_or_two_topic_prefixes_are_refused(tmp_path):
    (tmp_path / "tianshui.toml").write_text(TIANSHUI, encoding="utf-8")
    with pytest.raises(SuiteError, match="tianshui"):
        resolve_city(f"longnan={tmp_path / 'tianshui.toml'}")
    (tmp_path / "other.toml").write_text(TIANSHUI + '\n[events]\ntopic_prefix = "other"\n',
                                         encoding="utf-8")
    with pytest.raises(SuiteError, match="topic prefixes"):
        suite_services(tmp_path, parse_cities(f"lanzhou,tianshui={tmp_path / 'other.toml'}"))
    with pytest.raises(SuiteError, match="twice"):
        parse_cities("lanzhou,lanzhou")


def test_the_table_lists_chinese_names_and_addresses(tmp_path):
    suite = Suite([city_service(resolve_city("pingliang"), 8200, tmp_path / "p.toml")], tmp_path)
    table = suite.table()
    assert "平凉市" in table and "http://127.0.0.1:8200/api/v1/" in table


def test_readiness_over_tcp():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert is_ready(f"tcp://127.0.0.1:{server.getsockname()[1]}")
    assert not is_ready(f"tcp://127.0.0.1:{free_port()}")
    assert not is_ready(f"http://127.0.0.1:{free_port()}/api/v1/city")


def http_server(port: int, tmp_path: Path) -> Service:
    return Service(name="web", label="静态站点",
                   command=(sys.executable, "-m", "http.server", str(port), "--bind",
                            "127.0.0.1", "--directory", str(tmp_path)),
                   ready_url=f"http://127.0.0.1:{port}/")


def test_a_service_is_started_waited_for_and_stopped(tmp_path):
    port = free_port()
    suite = Suite([http_server(port, tmp_path)], tmp_path, out=io.StringIO())
    try:
        suite.up()
        assert is_ready(f"http://127.0.0.1:{port}/")
        child = suite.children["web"]
        assert "静态站点" in suite.out.getvalue()
    finally:
        suite.stop()
    assert child.poll() is not None
    assert suite.children == {}
    suite.stop()  # twice is harmless


def test_a_service_that_dies_before_it_is_ready_fails_with_its_log(tmp_path):
    broken = Service(name="broken", label="坏服务",
                     command=(sys.executable, "-c", "import sys; print('端口已被占用'); sys.exit(3)"),
                     ready_url=f"http://127.0.0.1:{free_port()}/")
    suite = Suite([broken], tmp_path, out=io.StringIO())
    try:
        with pytest.raises(SuiteError) as info:
            suite.up()
    finally:
        suite.stop()
    assert "exited with 3" in str(info.value)
    assert "端口已被占用" in str(info.value)


def test_a_failing_preparation_stops_before_anything_starts(tmp_path):
    failing = Service(name="city", label="测试市", command=(sys.executable, "-c", "pass"),
                      ready_url="tcp://127.0.0.1:1",
                      prepare=((sys.executable, "-c", "raise SystemExit('迁移失败')"),))
    suite = Suite([failing], tmp_path, out=io.StringIO())
    with pytest.raises(SuiteError, match="迁移失败"):
        suite.up()
    assert suite.children == {}


def test_an_unknown_city_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["up", "--cities", "atlantis"])
    assert info.value.code == 2
    assert "atlantis" in capsys.readouterr().err
