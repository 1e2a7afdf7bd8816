"""The city's request path against a bare Flask + SQLAlchemy app over the same database.

Both are served by waitress with the same settings (8 threads), each in its own process, and
driven by the same 8 client threads: the project list (20 per page), ``/stats`` for one year and
a lead POST. The bare app (:func:`bare_app`) reads and writes the same tables with one plain
query and ``jsonify``: what a request costs without the city's schemas, permissions, versions,
audit and events — the ceiling the city is measured against.

Run the bare app alone with ``python -m benchmarks.api URL PORT``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from flask import Flask, jsonify, request

from benchmarks.figures import CITY_SQL, END, START
from benchmarks.measure import Row
from benchmarks.synthetic import CITY, city_raw
from core.clock import utcnow
from core.identity import GATEWAY_SECRET_ENV, Actor, signed_identity_headers
from core.loopback_ports import free_port
from tests.support.records import enterprise
from tests.support.toml import toml_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-gateway-signing-secret-0123456789"
ACTOR = Actor("bench", "officer", city=CITY)
THREADS = 8
LIST = "/api/v1/projects?per_page=20"
STATS = f"/api/v1/stats?from={START}&to={END}"
LEADS = "/api/v1/leads"
_serials = itertools.count(500_000)

LIST_SQL = sa.text(
    "SELECT p.id, p.name, p.industry, p.amount, p.stage, p.status, p.signed_on, p.started_on, "
    "e.name AS enterprise, f.code AS finding_unit, h.code AS host_unit FROM projects p "
    "JOIN enterprises e ON e.id = p.enterprise_id JOIN units f ON f.id = p.finding_unit_id "
    "JOIN units h ON h.id = p.host_unit_id ORDER BY p.id DESC LIMIT :limit OFFSET :offset")


def bare_app(url: str) -> Flask:
    """The same three endpoints over the same tables, as plainly as Flask + SQLAlchemy go."""
    engine = sa.create_engine(url, pool_size=THREADS + 2)
    app = Flask("bare")

    @app.get("/api/v1/projects")
    def projects() -> Any:
        per_page = int(request.args.get("per_page", 20))
        page = int(request.args.get("page", 1))
        with engine.connect() as connection:
            rows = connection.execute(LIST_SQL, {"limit": per_page,
                                                 "offset": (page - 1) * per_page}).mappings()
            items = [{key: str(value) if value is not None else None
                      for key, value in row.items()} for row in rows]
            total = connection.scalar(sa.text("SELECT count(*) FROM projects"))
        return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})

    @app.get("/api/v1/stats")
    def stats() -> Any:
        with engine.connect() as connection:
            row = connection.execute(CITY_SQL).one()
        return jsonify({"total": [str(value) for value in row]})

    @app.post("/api/v1/leads")
    def leads() -> Any:
        body = request.get_json()
        with engine.begin() as connection:
            unit = connection.scalar(sa.text("SELECT id FROM units WHERE code = :code"),
                                     {"code": body["reporting_unit"]})
            company = connection.scalar(sa.text(
                "INSERT INTO enterprises (name, normalized_name, credit_code, tags, version) "
                "VALUES (:name, :name, :code, '[]', 1) RETURNING id"),
                {"name": body["enterprise"]["name"], "code": body["enterprise"]["credit_code"]})
            lead = connection.scalar(sa.text(
                "INSERT INTO leads (title, enterprise_id, industry, intended_amount, "
                "reporting_unit_id, channel, status, reported_on, first_talk_due_estimated, "
                "attributes, created_at, version) VALUES (:title, :company, "
                ":industry, :amount, :unit, :channel, 'reported', :reported_on, false, '{}', "
                ":now, 1) RETURNING id"),
                {"title": body["title"], "company": company, "industry": body["industry"],
                 "amount": body["intended_amount"], "unit": unit, "channel": body["channel"],
                 "reported_on": body["reported_on"], "now": utcnow()})
        return jsonify({"id": lead, "title": body["title"], "status": "reported"}), 201

    return app


def lead_post() -> bytes:
    serial = next(_serials)
    return json.dumps({"title": f"基准线索{serial}", "enterprise": enterprise(serial),
                       "industry": "manufacturing", "intended_amount": "20000",
                       "reporting_unit": "c001", "channel": "fair",
                       "reported_on": f"{START.year}-03-04"}, ensure_ascii=False).encode()


def _call(session: requests.Session, base: str, path: str) -> requests.Response:
    """One request with the identity headers the gateway would sign (the bare app ignores them)."""
    body = lead_post() if path == LEADS else None
    method = "POST" if body else "GET"
    route, _, query = path.partition("?")
    headers = signed_identity_headers(SECRET, ACTOR, method, route, query=query, body=body)
    if body:
        headers["Content-Type"] = "application/json"
    return session.request(method, base + path, data=body, headers=headers, timeout=60)


def load(base: str, path: str, total: int, clients: int = THREADS) -> float:
    """Requests per second of ``total`` requests to ``path`` from ``clients`` threads."""
    failures: list[str] = []

    def worker(count: int) -> None:
        with requests.Session() as session:
            for _ in range(count):
                answer = _call(session, base, path)
                if answer.status_code not in (200, 201):
                    failures.append(f"{path}: {answer.status_code} {answer.text[:300]}")
                    return

    threads = [threading.Thread(target=worker, args=(total // clients,)) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{base}: {failures[0]}")
    return (total // clients) * clients / seconds


def _wait(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(requests.ConnectionError), requests.Session() as session:
            if _call(session, base, STATS).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{base} did not start: {log.read_text()[-2000:]}")


def process_cpu_times(pid: int) -> tuple[float, float]:
    """User and system (kernel) CPU seconds of a process, all its threads (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def backends_cpu_seconds(database: str) -> float:
    """CPU seconds of the PostgreSQL backends connected to ``database`` (their process titles
    name it), exited ones excepted: where the database's share of a request's cost goes."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if title.startswith("postgres: ") and f" {database} " in title:
                total += sum(process_cpu_times(int(entry.name)))
    return total


@dataclass
class Served:
    """A server started by :func:`server`: its address and its process id."""

    base: str
    pid: int


@contextlib.contextmanager
def server(args: list[str], work: Path, name: str) -> Iterator[Served]:
    port = free_port()
    log = work / f"{name}.log"
    env = os.environ | {GATEWAY_SECRET_ENV: SECRET, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", *args, "--port", str(port)],
                               cwd=PROJECT_ROOT, env=env, stdout=open(log, "ab"),  # noqa: SIM115
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process, log)
        yield Served(base, process.pid)
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(20)
        if process.poll() is None:
            process.kill()


PATHS: list[tuple[str, str]] = [("project list, 20 per page", LIST), ("/stats, one year", STATS),
                                ("lead POST", LEADS)]


def run(url: str, units: int, work: Path, requests_per_path: int = 800,
        rounds: int = 5) -> list[Row]:
    """Each path's throughput on the city and on the bare app, side by side ``rounds`` times,
    with the CPU each request cost the server process and the database's backends (over all
    rounds). The server's kernel share is given apart: a server whose one interpreter lock is
    the bottleneck spends it handing that lock between its threads at every wait for the
    database (docs/benchmarks.md), a cost its Python profile does not show.

    A round measures one path on both apps back to back, the city first in even rounds and
    the bare app first in odd ones, so a drift in the machine's load favours neither side. The
    ratio reported is the median of the rounds' ratios; the rates are each side's median."""
    config = work / "api-city.toml"
    config.write_text(toml_text(city_raw(url, units)))
    database = sa.engine.make_url(url).database or ""
    rates: dict[tuple[str, str], list[float]] = {}
    ratios: dict[str, list[float]] = {}
    # Server seconds, of which in the kernel, database seconds, requests.
    cpu: dict[tuple[str, str], list[float]] = {}
    with server(["core.cli", "serve", "--config", str(config), "--threads", str(THREADS)],
                work, "city") as city, \
            server(["benchmarks.api", url], work, "bare") as bare:
        sides = [("city", city), ("bare", bare)]
        for _, served in sides:  # warm up connections, caches and code paths
            for _, path in PATHS:
                load(served.base, path, 80)
        for number in range(rounds):
            for label, path in PATHS:
                for side, served in sides if number % 2 == 0 else sides[::-1]:
                    user, kernel = process_cpu_times(served.pid)
                    database_before = backends_cpu_seconds(database)
                    rate = load(served.base, path, requests_per_path)
                    user_after, kernel_after = process_cpu_times(served.pid)
                    spent = cpu.setdefault((side, label), [0.0, 0.0, 0.0, 0.0])
                    spent[0] += user_after + kernel_after - user - kernel
                    spent[1] += kernel_after - kernel
                    spent[2] += backends_cpu_seconds(database) - database_before
                    spent[3] += requests_per_path // THREADS * THREADS
                    rates.setdefault((side, label), []).append(rate)
                ratios.setdefault(label, []).append(
                    rates["city", label][-1] / rates["bare", label][-1])

    def per_request(side: str, label: str) -> str:
        server_s, kernel_s, database_s, count = cpu[side, label]
        return (f"{server_s / count * 1000:.2f} ({kernel_s / count * 1000:.2f}) + "
                f"{database_s / count * 1000:.2f}")

    rows = []
    for label, _ in PATHS:
        row = Row("request path", f"{label} ({THREADS} clients)",
                  statistics.median(rates["city", label]), statistics.median(rates["bare", label]),
                  "bare Flask app", goal="≥ 0.5×", higher_is_better=True,
                  paired_ratios=tuple(ratios[label]),
                  note=(f"CPU ms per request, server (its kernel share) + PostgreSQL: "
                        f"{per_request('city', label)} "
                        f"(bare {per_request('bare', label)})"))
        row.met = row.ratio >= 0.5
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    import argparse

    import waitress

    parser = argparse.ArgumentParser(description="serve the bare app (benchmarks.api)")
    parser.add_argument("url")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    waitress.serve(bare_app(args.url), host="127.0.0.1", port=args.port, threads=THREADS,
                   ident="bare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
