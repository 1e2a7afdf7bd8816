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
    ProvinceService,
    Service,
    running_gateway,
)

BUILT_IN = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")


class BuiltInCity(CityService):
    """A built-in city's service with its plugin and its demo data."""

    def __init__(self, code: str, base: Path) -> None:
        self.code = code
        self.city = load_city(built_in_config_path(code))
        self.name = self.city.name
        self.built_in = True
        self.demo = True
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
    cities = {code: service for code, service in five_cities.items() if code != "province"}
    users: dict[str, tuple[str, str | None, str | None]] = {
        "province": ("province", None, None), "admin": ("admin", None, None)}
    for code, city in cities.items():
        users |= {f"{code}-{role}": (role, code, None) for role in ("officer", "leader")}
        users |= {f"{code}-clerk-{unit}": ("clerk", code, unit) for unit in city.units}
    with running_gateway(cities, five_cities["province"], tmp_path_factory.mktemp("matrix-gateway"),
                         users) as gateway:
        yield gateway
