"""Fixtures: three real city services and the gateway in front of them, once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gateway.harness import (
    CITY_NAMES,
    CityService,
    Front,
    GatewayServer,
    add_users,
    gateway_config,
)


@pytest.fixture(scope="session")
def cities(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, CityService]]:
    base = tmp_path_factory.mktemp("cities")
    services = {code: CityService(code, base) for code in CITY_NAMES}
    try:
        for service in services.values():
            service.start()
        for service in services.values():
            service.wait_ready()
        yield services
    finally:
        for service in services.values():
            service.stop()


@pytest.fixture(scope="session")
def front(cities: dict[str, CityService],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    from gateway.app import create_app

    base = tmp_path_factory.mktemp("gateway")
    app = create_app(gateway_config(cities, base), var_dir=base)
    add_users(app)
    server = GatewayServer(app)
    server.start()
    try:
        yield Front(server.url, app)
    finally:
        server.stop()
