"""Serve a WSGI app with waitress and drain it on SIGTERM (or Ctrl-C).

``waitress.serve`` leaves SIGTERM to Python's default, which ends the process at once: a
request being answered is cut off and its client sees a reset connection, even when the
write behind it committed. Under a supervisor (``make up``, Kubernetes) SIGTERM is the normal
way a service is stopped, so every serve command (city, province, gateway) runs through
:func:`serve`: on SIGTERM it stops accepting connections, closes the idle keep-alive ones,
keeps the event loop running until every in-flight request has been answered and flushed (at
most ``drain_timeout`` seconds), then stops the worker threads.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

import waitress
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

from core.long_lived import freeze_start_up_objects

DRAIN_TIMEOUT = 30.0  # seconds in-flight requests may take once SIGTERM arrived
LOOP_TICK = 0.2  # seconds between checks of the stop flag (the signal also wakes the loop)

log = logging.getLogger("zhaoshang.serve")


def _busy(channel: Any) -> bool:
    """Whether a connection has a request being read, answered or flushed."""
    return bool(channel.requests or channel.request is not None or channel.total_outbufs_len)


def serve(app: Any, host: str, port: int, threads: int, ident: str,
          drain_timeout: float = DRAIN_TIMEOUT) -> None:
    """``waitress.serve`` with a graceful stop (see the module's docstring)."""
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident=ident)
    stopping: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: stopping.append(signum))
                for sig in (signal.SIGTERM, signal.SIGINT)}
    server.print_listen("Serving on http://{}:{}")
    freeze_start_up_objects()  # the app lives as long as the process: out of full collections
    use_poll = server.adj.asyncore_use_poll  # (_map: every server kind keeps its sockets there)
    try:
        while not stopping:
            wasyncore.loop(timeout=LOOP_TICK, map=server._map, use_poll=use_poll, count=1)
        listeners = [d for d in list(server._map.values()) if isinstance(d, BaseWSGIServer)]
        for listener in listeners:  # no new connection from now on
            wasyncore.dispatcher.close(listener)
        deadline = time.monotonic() + drain_timeout
        while True:
            channels = [c for c in list(server._map.values()) if isinstance(c, HTTPChannel)]
            for idle in (c for c in channels if not _busy(c)):
                idle.handle_close()
            busy = [c for c in channels if _busy(c)]
            if not busy:
                break
            if time.monotonic() > deadline:
                log.warning("stopping with %d request(s) still in flight", len(busy))
                break
            wasyncore.loop(timeout=0.05, map=server._map, use_poll=use_poll, count=1)
        log.info("stopped after draining in-flight requests (%s)",
                 signal.Signals(stopping[0]).name)
    finally:
        server.task_dispatcher.shutdown(timeout=1)
        wasyncore.close_all(server._map)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
