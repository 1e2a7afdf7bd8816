"""What a city's tests are written with: the core's public testing support.

The pytest plugin (:mod:`core.testing.plugin`, registered as the ``pytest11`` entry point
``zhaoshang_testing``, so installing the core is enough) gives every test run:

- a frozen clock on an ordinary working day and the ``hard_days`` marker (``clock_day``,
  ``today``);
- ``db_url``: a fresh database on SQLite and on a real PostgreSQL (``postgres_server``);
- ``app`` and ``client``: the migrated service of the test's ``city`` fixture and an API
  client that sends the identity the gateway would, signed when the service knows the
  gateway's secret; ``app_for``/``client_for`` for a test's own variants of a city.

The helpers the fixtures are built from are plain functions a test imports:
:mod:`core.testing.cities` (``built_in_city``, ``city_from_file``, ``ready_app``),
:mod:`core.testing.http` (``ApiClient``, ``call``), :mod:`core.testing.databases`
(``BACKENDS``), :mod:`core.testing.demo` (``demo_client_for``, ``dated_after``),
:mod:`core.testing.records` (``advance``, ``add_funds``, ``row_counts``, ``events_of`` …),
:mod:`core.testing.migrations` (``assert_migration_matches``) and
:mod:`core.testing.web_pages` (``served_pages``). The conformance kit's real Kafka broker is
the ``zhaoshang_kafka`` fixture (:mod:`core.conformance.fixtures`).

Nothing here imports what is built on the core: a real PostgreSQL comes from the package
registered as ``zhaoshang.conformance: postgres`` (this distribution's ``infra.postgres``),
loaded only when a test asks for it.
"""

import pytest

# The helpers check with plain asserts: have pytest explain them like a test module's.
pytest.register_assert_rewrite("core.testing.demo", "core.testing.http",
                               "core.testing.migrations", "core.testing.records",
                               "core.testing.web_pages")
