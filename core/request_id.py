"""The request being served, for code far from the HTTP layer (``core.events.record_event``).

The observability middleware (:class:`core.observability.Observed`) sets :data:`current` for
the length of each request to its ``X-Request-Id`` (the gateway's, or one made there); outside
a request (the scheduler, a CLI command, the relay) it is ``None``. A context variable, not
``flask.g``: the middleware sits outside Flask, and each waitress thread sees its own value.
"""

from __future__ import annotations

from contextvars import ContextVar

# The longest id kept on an event (the outbox column): the longest the gateway accepts.
MAX_LENGTH = 128

current: ContextVar[str | None] = ContextVar("zhaoshang_request_id", default=None)


def for_event() -> str | None:
    """The id to store on an event recorded now: the request's, cut to the column's width."""
    request_id = current.get()
    return request_id[:MAX_LENGTH] if request_id else None
