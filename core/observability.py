"""What an operator's tools read from a service: ``/metrics``, ``/livez``, ``/readyz`` and one JSON
log line per request.

Every service (a city, the province API, the gateway) wraps its WSGI app in :class:`Observed`
(:func:`observe`), which answers three paths itself, before routing, identity or rate limits:

``/metrics``  Prometheus text (``prometheus-client``): ``zhaoshang_request_duration_seconds``
              by operation (the ``@operation`` name, i.e. the Flask endpoint) and status, plus
              the service's own gauges computed at scrape time (a city's outbox backlog).
``/livez``    200 while the process runs: restart it only when this fails.
``/readyz``   200 when it can serve, 503 with the reason otherwise (database unreachable, schema
              not at the head its code expects — e.g. while migrations run): send it no traffic.

They are not under ``/api/v1``, so the gateway (which proxies ``/api/v1/cities/<code>/…`` and
``/api/v1/province/…`` only) never exposes them: they are for the internal network — a scrape
or a probe carries no token (docs/observability.md).

Each request also gets one JSON log line (``structlog``) on the ``zhaoshang.requests`` logger:
service, request id (``X-Request-Id``: the gateway's, or one made here), operation, method,
path, status and duration in milliseconds. The per-request cost is one clock read, one
histogram observation and that line.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core import clock
from core.request_id import current as request_id_var

METRICS_PATH, LIVEZ_PATH, READYZ_PATH = "/metrics", "/livez", "/readyz"
OPERATION_KEY = "zhaoshang.operation"  # the WSGI environ key the app notes its operation in
REQUEST_ID_KEY = "HTTP_X_REQUEST_ID"
REQUEST_LOGGER = "zhaoshang.requests"
# Buckets from a cached read (a few ms) to a heavy export (seconds).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

ReadyCheck = Callable[[], "str | None"]  # None when ready, else why not


def _timestamp(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    # The project's one clock (core.clock), not structlog's TimeStamper (the host clock).
    event["time"] = clock.utcnow().isoformat().replace("+00:00", "Z")
    return event


def json_logger(name: str) -> Any:
    """A structlog logger writing one JSON object per event through the stdlib logger ``name``
    (so handlers, levels and pytest's ``caplog`` apply as to every other log line)."""
    return structlog.wrap_logger(logging.getLogger(name), wrapper_class=structlog.stdlib.BoundLogger,
                                 processors=[_timestamp, structlog.processors.JSONRenderer(
                                     ensure_ascii=False)])


def plain_json_lines(*names: str) -> None:
    """In a serve command: the JSON loggers ``names`` write their line alone (no ``asctime
    name`` prefix the other log lines carry), so a collector parses every line as JSON."""
    for name in names:
        logger = logging.getLogger(name)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


class Observed:
    """WSGI middleware: the three operator paths, the latency histogram and the log line."""

    def __init__(self, app: Any, service: str, ready: ReadyCheck,
                 collectors: Iterable[Any] = ()) -> None:
        self.app = app
        self.service = service
        self.ready = ready
        self.registry = CollectorRegistry()
        self.latency = Histogram("zhaoshang_request_duration_seconds",
                                 "Time to answer a request, by operation and status",
                                 ("operation", "status"), buckets=LATENCY_BUCKETS,
                                 registry=self.registry)
        for collector in collectors:
            self.registry.register(collector)
        self.log = json_logger(REQUEST_LOGGER)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in (METRICS_PATH, LIVEZ_PATH, READYZ_PATH):
            return self._own(path, start_response)
        started = time.perf_counter()
        request_id = environ.get(REQUEST_ID_KEY) or uuid.uuid4().hex
        environ[REQUEST_ID_KEY] = request_id  # the app and its log see the same id
        status = ["500"]

        def noting_status(line: str, headers: list, exc_info: Any = None) -> Any:
            status[0] = line[:3]
            if not any(name.lower() == "x-request-id" for name, _ in headers):
                headers.append(("X-Request-Id", request_id))
            return start_response(line, headers, exc_info)

        token = request_id_var.set(request_id)  # for the events this request records
        try:
            return self.app(environ, noting_status)
        finally:
            request_id_var.reset(token)
            elapsed = time.perf_counter() - started
            operation = environ.get(OPERATION_KEY) or "unmatched"
            self.latency.labels(operation, status[0]).observe(elapsed)
            self.log.info("request", service=self.service, request_id=request_id,
                          operation=operation, method=environ.get("REQUEST_METHOD"), path=path,
                          status=int(status[0]), duration_ms=round(elapsed * 1000, 2))

    def _own(self, path: str, start_response: Callable) -> list[bytes]:
        if path == METRICS_PATH:
            body, code, kind = generate_latest(self.registry), "200 OK", CONTENT_TYPE_LATEST
        elif path == LIVEZ_PATH:
            body, code, kind = b"ok\n", "200 OK", "text/plain; charset=utf-8"
        else:
            reason = self.ready()
            body = (reason or "ready").encode() + b"\n"
            code = "503 Service Unavailable" if reason else "200 OK"
            kind = "text/plain; charset=utf-8"
        start_response(code, [("Content-Type", kind), ("Content-Length", str(len(body))),
                              ("Cache-Control", "no-store")])
        return [body]


def note_operation() -> None:
    """``before_request`` (first of all): the matched endpoint — the ``@operation`` name — for
    the histogram and the log line, even when a later hook refuses the request."""
    from flask import request

    request.environ[OPERATION_KEY] = request.endpoint


def observe(app: Any, service: str, ready: ReadyCheck, collectors: Iterable[Any] = ()) -> Observed:
    """Wrap the Flask ``app`` (its ``wsgi_app``, so the test client sees it too)."""
    observed = Observed(app.wsgi_app, service, ready, collectors)
    app.wsgi_app = observed
    app.before_request_funcs.setdefault(None, []).insert(0, note_operation)
    app.extensions["zhaoshang_observed"] = observed
    return observed


def database_ready(engine: Any, expected_heads: Callable[[], set[str]] | None = None) -> ReadyCheck:
    """A readiness check: the database answers and (given ``expected_heads``) its Alembic
    versions are the heads this code expects — not while a migration is half-way."""
    import sqlalchemy as sa

    def check() -> str | None:
        try:
            with engine.connect() as connection:
                if expected_heads is None:
                    connection.execute(sa.text("SELECT 1"))
                    return None
                found = set(connection.execute(sa.text("SELECT version_num FROM alembic_version"))
                            .scalars())
        except Exception as exc:  # noqa: BLE001 - any failure means "do not send traffic"
            return f"database unreachable: {type(exc).__name__}"
        wanted = expected_heads()
        if found != wanted:
            return f"schema at {sorted(found)}, expected {sorted(wanted)} (migration pending)"
        return None

    return check


class OutboxCollector:
    """A city's outbox at scrape time: how many events wait for the relay, and how old the
    oldest is (seconds, by the project's clock). Two aggregates over the unsent rows' index
    (``ix_outbox_unsent``); nothing when the database does not answer (``/readyz`` says why)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def describe(self) -> list:
        return []  # collected at scrape only: nothing to describe at registration

    def collect(self) -> Iterable[Any]:
        import sqlalchemy as sa
        from prometheus_client.core import GaugeMetricFamily

        from core.models.outbox import OutboxEvent

        try:
            with self.engine.connect() as connection:
                count, oldest = connection.execute(
                    sa.select(sa.func.count(), sa.func.min(OutboxEvent.time))
                    .where(OutboxEvent.sent_at.is_(None))).one()
        except Exception:  # noqa: BLE001 - a scrape never fails for the database
            return
        yield GaugeMetricFamily("zhaoshang_outbox_backlog", "Events recorded, not yet published",
                                value=count)
        age = 0.0
        if oldest is not None:
            if oldest.tzinfo is None:  # SQLite returns naive UTC
                oldest = oldest.replace(tzinfo=dt.UTC)
            age = max((clock.utcnow() - oldest).total_seconds(), 0.0)
        yield GaugeMetricFamily("zhaoshang_outbox_oldest_unsent_age_seconds",
                                "Age of the oldest event not yet published (0 when none)",
                                value=age)


class CountCollector:
    """A gauge family counted at scrape time by one SQL statement returning (label, count)
    rows — the province's dead letters by city and status."""

    def __init__(self, engine: Any, name: str, documentation: str, labels: tuple[str, ...],
                 statement: Any) -> None:
        self.engine, self.name, self.documentation = engine, name, documentation
        self.labels, self.statement = labels, statement

    def describe(self) -> list:
        return []

    def collect(self) -> Iterable[Any]:
        from prometheus_client.core import GaugeMetricFamily

        try:
            with self.engine.connect() as connection:
                rows = connection.execute(self.statement).all()
        except Exception:  # noqa: BLE001 - a scrape never fails for the database
            return
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labels)
        for *labels, count in rows:
            family.add_metric([str(label) for label in labels], count)
        yield family


def serve_metrics(registry: CollectorRegistry, port: int, host: str = "127.0.0.1") -> Any:
    """A process without a web app of its own (the province consumer, a city's scheduler)
    answers ``/metrics`` from ``registry`` on ``port``, in a daemon thread of
    ``prometheus-client``'s small HTTP server. Returns the server (``shutdown()`` stops it), or
    None when the port is taken: the process does its work without metrics rather than not
    at all (a warning says so)."""
    from prometheus_client import start_http_server

    try:
        server, _thread = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        logging.getLogger("zhaoshang.metrics").warning("no /metrics on %s:%d: %s", host, port, exc)
        return None
    return server
