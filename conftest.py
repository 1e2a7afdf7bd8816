"""The core's own tests: the test city that ``app`` and ``client`` serve by default.

Every other fixture the suite and the built-in cities' tests use — the frozen clock and the
``hard_days`` marker, ``db_url`` on SQLite and a real PostgreSQL (one server per run, shared
by ``tests/`` and every ``plugins/<city>/tests``), ``app``, ``client``, ``app_for``,
``client_for`` — is the core's public pytest plugin, :mod:`core.testing.plugin` (entry point
``pytest11: zhaoshang_testing``), the same one a city outside this repository tests with.
A plugin's tests override ``city`` with their own.
"""

from __future__ import annotations

import pytest

from core.testing.plugin import HARD_DAYS, ORDINARY_DAY  # noqa: F401 - conftest.HARD_DAYS
from tests.support.cities import make_city


@pytest.fixture
def city():
    """A throwaway city with no plugin: the core's defaults only."""
    return make_city()
