"""A city's demo database for a whole test module, on the backend a fixture asks for.

Loading a demo is the slow part of a demo test, so a module loads it once per backend:

    @pytest.fixture(scope="module", params=BACKENDS)
    def demo_client(request, tmp_path_factory, my_city):
        yield from demo_client_for(request, tmp_path_factory, my_city, TODAY)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

from core.api.support import EXTENSION
from core.city import City
from core.demo import load_demo_data


def demo_client_for(request: Any, tmp_path_factory: Any, city: City,
                    today: dt.date) -> Iterator[Any]:
    """Yield an API client of ``city`` with its demo loaded as of ``today``; dispose after."""
    from tests.support.cities import ready_app
    from tests.support.http import ApiClient

    server, name = None, f"{city.code}_demo_{os.getpid()}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(f'{city.code}-demo') / 'city.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(name)
    app = ready_app(city, url)
    load_demo_data(app.extensions[EXTENSION], today=today)
    yield ApiClient(app.test_client())
    app.extensions[EXTENSION].engine.dispose()
    if server is not None:
        server.drop_database(name)
