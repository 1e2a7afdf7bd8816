"""What the kit needs from the parts built on the core, found through entry points.

The kit depends on the core only: a real Kafka broker (``infra``) and a province that collects
the city's events (``province``) are provided by whichever installed package registers them
under the ``zhaoshang.conformance`` entry points (this distribution registers both in
``pyproject.toml``). They are loaded only when a check asks, so loading the kit's pytest
plugin imports neither.

- ``kafka``: a context manager factory ``() -> ContextManager[str]`` yielding the bootstrap
  servers of a broker it starts and stops;
- ``postgres``: a context manager factory ``() -> ContextManager[server]`` yielding a PostgreSQL
  server it starts and removes (``create_database(name) -> url``, ``drop_database(name)``), for
  the core's testing plugin (:mod:`core.testing.databases`);
- ``province``: ``collect(city, bootstrap_servers, topic_prefix, published, workdir)`` →
  an object with ``dead_lettered``, ``stage_of(project_id)`` and ``client`` (a Flask test
  client of the province's read API), once every id in ``published`` is collected.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

GROUP = "zhaoshang.conformance"


def provided(name: str) -> Any:
    """The object registered as ``name`` under ``zhaoshang.conformance``; a clear error if none."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if name not in found:
        raise LookupError(f"the conformance kit needs {name!r} from an installed package "
                          f"(entry point group {GROUP!r}); registered: "
                          f"{', '.join(sorted(found)) or 'none'}")
    return found[name].load()
