"""Keep a long-running process's start-up objects out of the garbage collector's full passes.

A server or the province's consumer builds, once, what it keeps until it stops: the app, its
plugins, mappers, schemas and caches. Every full pass of the collector would walk all of that
again; frozen (:func:`gc.freeze`), it is left out, and what the process creates afterwards is
collected as before. Call it once, when start-up is done; never in a test's process, which
would keep everything it had built alive.

The relay does not call it: its full passes walk mostly the rows it has in flight, and freezing
its start-up objects, measured, saved nothing (docs/benchmarks.md, nineteenth pass).
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> None:
    """Collect what start-up left behind, then keep everything alive now out of later passes."""
    gc.collect()
    gc.freeze()


__all__ = ["freeze_start_up_objects"]
