"""Zhaoshang core: the shared domain and mechanisms every city service runs.

City plugins import only from :mod:`core.toolkit` (the facade) and use
:data:`hookimpl` to implement the hooks of :mod:`core.hookspecs`.
"""

import pluggy

PROJECT_NAME = "zhaoshang"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["PROJECT_NAME", "hookimpl"]
