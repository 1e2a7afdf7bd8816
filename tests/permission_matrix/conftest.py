"""The five built-in cities with their demo data, the province and the gateway in front."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.city import load_city
from core.config import built_in_config_path
from tests.gateway.harness import (
    CityService,
    Front,
    GatewayServer,
    ProvinceService,
    Service,
    gateway_config,
)

BUILT_IN = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")


class BuiltInCity(CityService):
    """A built-in city's service with its plugin and its demo data."""

    def __init__(self, code: str, base: Path) -> None:
        self.code = code
        self.city = load_city(built_in_config_path(code))
        self.name = self.city.name
        self.built_in = True
        Service.__init__(self, base)

    @property
    def units(self) -> list[str]:
        return [unit["code"] for unit in self.city.config["units"]]


@pytest.fixture(scope="session")
def five_cities(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, BuiltInCity]]:
    base = tmp_path_factory.mktemp("matrix")
    cities = {code: BuiltInCity(code, base) for code in BUILT_IN}
    province = ProvinceService(base)
    started: list[Service] = [*cities.values(), province]
    try:
        for service in started:
            service.start()
        for service in started:
            service.wait_ready()
        cities["province"] = province  # type: ignore[assignment]
        yield cities
    finally:
        for service in started:
            service.stop()


@pytest.fixture(scope="session")
def matrix_front(five_cities: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    from core.db import unit_of_work
    from gateway.app import create_app
    from gateway.users import NewUser, create_user
    from tests.gateway.harness import PASSWORD

    cities = {code: service for code, service in five_cities.items() if code != "province"}
    base = tmp_path_factory.mktemp("matrix-gateway")
    app = create_app(gateway_config(cities, five_cities["province"], base), var_dir=base)
    with unit_of_work(app.extensions["zhaoshang_gateway"].sessions) as session:
        for code, city in cities.items():
            for role in ("officer", "leader"):
                create_user(session, NewUser(f"{code}-{role}", role, PASSWORD, code, None))
            for unit in city.units:
                create_user(session, NewUser(f"{code}-clerk-{unit}", "clerk", PASSWORD, code, unit))
        create_user(session, NewUser("province", "province", PASSWORD, None, None))
        create_user(session, NewUser("admin", "admin", PASSWORD, None, None))
    server = GatewayServer(app)
    server.start()
    try:
        yield Front(server.url, app)
    finally:
        server.stop()
