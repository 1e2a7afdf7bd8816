"""Suite fixtures for tests outside ``tests/`` (each plugin's ``plugins/<city>/tests``).

pytest offers a conftest's fixtures only below its own directory; plugin tests
need the suite's ``db_url`` (SQLite and the real PostgreSQL), ``city``, ``app`` and
``client``, so they are re-exported here. (``tests/`` keeps its own copies, so a
run over both starts the PostgreSQL server once for each.)
"""

from tests.conftest import app, city, client, db_url, postgres_server  # noqa: F401
