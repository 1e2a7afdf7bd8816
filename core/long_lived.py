"""Keep a long-running process's start-up objects out of the garbage collector's full passes.

A city service and the province's consumer each build, once, what they keep until they stop:
the app, its plugins, mappers, schemas, compiled statements and caches, some 130,000–190,000
objects the collector tracks. Every full (oldest-generation) pass walks all of them again,
about 100 ms on this machine. Frozen (:func:`gc.freeze`), they are left out of every pass;
what the process creates afterwards is collected as before.

Called once, when start-up is done and just before the process starts its work; never in a
test's process, which would keep everything it had built alive. The relay does not call it:
measured, its full passes walk mostly the rows it has in flight, and freezing its start-up
objects left its collection time unchanged (docs/benchmarks.md, nineteenth pass).
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> None:
    """Collect what start-up left behind, then keep everything alive now out of later passes."""
    gc.collect()
    gc.freeze()


__all__ = ["freeze_start_up_objects"]
