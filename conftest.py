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


# Under xdist (``make test``: ``--dist loadfile``) a test file is one unit of work, so its
# module fixtures are built once; the tests of these files are each a unit of their own, and
# start before everything else: each takes minutes, and one after the other at the end of a
# run they kept one worker busy while the other had finished.
RUN_EACH_TEST_APART = ("tests/api/test_ledger_at_scale.py",)


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order xdist's ``loadfile`` would take (files with more tests first, each file's tests
    in their order), the tests run apart before them: the scheduler below takes this order."""
    sizes: dict[str, int] = {}
    for item in items:
        sizes[_file_of(item.nodeid)] = sizes.get(_file_of(item.nodeid), 0) + 1
    first = {file: index for index, file in enumerate(sizes)}
    items.sort(key=lambda item: (_file_of(item.nodeid) not in RUN_EACH_TEST_APART,
                                 -sizes[_file_of(item.nodeid)], first[_file_of(item.nodeid)]))


def pytest_xdist_make_scheduler(config: pytest.Config, log):  # type: ignore[no-untyped-def]
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ApartFirst(LoadFileScheduling):
        """``loadfile``, but the work units in the collection's order (above), and a test of a
        file in ``RUN_EACH_TEST_APART`` a unit of its own."""

        def _split_scope(self, nodeid: str) -> str:
            file = _file_of(nodeid)
            return nodeid if file in RUN_EACH_TEST_APART else file

    config.option.loadscopereorder = False  # the collection's order is already the one wanted
    return ApartFirst(config, log)
