"""Fixtures: three real city services, the province service and the gateway in front of them,
started once per session; Pingliang and Lanzhou with their plugins behind a second gateway
(``plugin_front``), started once when a test asks for them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gateway.harness import (
    CITY_NAMES,
    PLUGIN_CITY_NAMES,
    PLUGIN_USERS,
    CityService,
    Echo,
    Front,
    ProvinceService,
    Service,
    running_gateway,
)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Service]]:
    """Every service process, started together (each waits for its own migrations)."""
    base = tmp_path_factory.mktemp("services")
    # Sanming is the built-in city with its plugin and demo data: its own paths join the
    # merged OpenAPI document, and its demo records give Schemathesis real rows to read.
    started: dict[str, Service] = {code: CityService(code, base, built_in=code == "sanming")
                                   for code in CITY_NAMES}
    started["province"] = ProvinceService(base)
    try:
        for service in started.values():
            service.start()
        for service in started.values():
            service.wait_ready()
        yield started
    finally:
        for service in started.values():
            service.stop()


@pytest.fixture(scope="session")
def cities(services: dict[str, Service]) -> dict[str, CityService]:
    return {code: service for code, service in services.items()
            if isinstance(service, CityService)}


@pytest.fixture(scope="session")
def front(services: dict[str, Service], cities: dict[str, CityService],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    with running_gateway(cities, services["province"], tmp_path_factory.mktemp("gateway")) as gateway:
        yield gateway


@pytest.fixture(scope="session")
def plugin_front(services: dict[str, Service], tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Front]:
    """Pingliang and Lanzhou as built in, with their plugins (no demo data, to start fast: the
    tests make their rows), behind a gateway of their own with ``PLUGIN_USERS``."""
    base = tmp_path_factory.mktemp("plugin-cities")
    started = {code: CityService(code, base, built_in=True, demo=False)
               for code in PLUGIN_CITY_NAMES}
    try:
        for service in started.values():
            service.start()
        for service in started.values():
            service.wait_ready()
        with running_gateway(started, services["province"], base, PLUGIN_USERS) as gateway:
            yield gateway
    finally:
        for service in started.values():
            service.stop()


@pytest.fixture(scope="module")
def echo() -> Iterator[Echo]:
    """A service that echoes what it received (for what the gateway sends on)."""
    service = Echo()
    service.server.start()
    yield service
    service.release.set()
    service.server.stop()
