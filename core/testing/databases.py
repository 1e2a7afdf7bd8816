"""The database backends every database test runs on, and the PostgreSQL server behind them."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Any

BACKENDS_ENV = "ZHAOSHANG_TEST_BACKENDS"
# ``ZHAOSHANG_TEST_BACKENDS=sqlite`` narrows a local run; CI runs both.
BACKENDS = os.environ.get(BACKENDS_ENV, "sqlite,postgresql").split(",")


def throwaway_postgres() -> AbstractContextManager[Any]:
    """A real PostgreSQL server for the test session, removed on exit; the object it yields
    has ``create_database(name) -> url`` and ``drop_database(name)``.

    The server runner is not the core's: it is the one registered as
    ``zhaoshang.conformance: postgres`` (this distribution's ``infra.postgres``), found through
    the entry point so the core never imports ``infra``.
    """
    from core.conformance.parts import provided

    return provided("postgres")()
