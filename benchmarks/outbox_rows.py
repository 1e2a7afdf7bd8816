"""What the relay's database work costs per outbox row: reading the unsent rows and marking
them sent, without Kafka.

The relay's own overhead over a raw producer is the message it builds and this: its batch
reads (:meth:`core.relay.Relay._fetch`, 500 rows after a cursor) and its marks
(:meth:`core.relay.Relay._mark`, one ``UPDATE … BETWEEN`` per run of 500 positions). Both run
on threads that release the GIL in the driver, but on a small machine they compete for the
CPUs with the broker and the producer. Measured on one thread, by ``time.process_time`` (the
relay's process) and, on PostgreSQL, the CPU of the server's backends serving the database
(``benchmarks.api.backends_cpu_seconds``), over ``--events`` rows copied from the core demo's
events, as ``benchmarks.relay`` writes them.

``python -m benchmarks.outbox_rows [--backend postgresql] [--events N] [--repetitions R]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.api import backends_cpu_seconds
from benchmarks.pipeline import CITY, databases, event_rows, prepare_city, write
from core.db import make_engine, make_session_factory
from core.models import OutboxEvent
from core.relay import Relay, leadership_for


def cpu_seconds(database: str | None) -> float:
    """This process's CPU seconds, and the database server's for ``database`` (PostgreSQL)."""
    return time.process_time() + (backends_cpu_seconds(database) if database else 0.0)


def read_and_mark(relay: Relay, database: str | None = None) -> tuple[float, float, int]:
    """CPU microseconds per row of reading every unsent row in batches, then of marking them
    sent in runs of a batch; and how many rows there were."""
    began, cursor, positions = cpu_seconds(database), None, []
    while True:
        rows, _before = relay._fetch(cursor)
        if not rows:
            break
        positions += [row[0] for row in rows]
        cursor = rows[-1][0]
    read = cpu_seconds(database) - began
    if not positions:
        raise RuntimeError("no unsent outbox row to read")
    began, size = cpu_seconds(database), relay.settings.batch_size
    for start in range(0, len(positions), size):
        relay._mark(positions[start:start + size])
    marked = cpu_seconds(database) - began
    count = len(positions)
    return read / count * 1e6, marked / count * 1e6, count


def run(backend: str = "sqlite", events: int = 20_000, repetitions: int = 3) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="zs-bench-outbox-"))
    try:
        with databases(backend, work) as (url, _province):
            _, templates = prepare_city(url, "bench", work)
            engine = make_engine(url)
            database = sa.engine.make_url(url).database if backend == "postgresql" else None
            write(engine, event_rows(templates, events, 1_000_000))
            relay = Relay(make_session_factory(engine), "unused", leadership_for(engine, CITY),
                          delivery_factory=lambda: None)
            reads, marks, count = [], [], 0
            for _ in range(repetitions):
                read, mark, count = read_and_mark(relay, database)
                reads.append(read)
                marks.append(mark)
                with engine.begin() as connection:  # unsent again, for the next repetition
                    connection.execute(sa.update(OutboxEvent).values(sent_at=None))
            engine.dispose()
        return {"backend": backend, "rows": count, "read_us": reads, "mark_us": marks,
                "read_median": statistics.median(reads), "mark_median": statistics.median(marks)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(result: dict[str, Any]) -> str:
    def runs(name: str) -> str:
        return ", ".join(f"{value:.1f}" for value in result[name])

    server = " (the relay's process and PostgreSQL's)" if result["backend"] == "postgresql" else ""
    return (f"Backend: {result['backend']}; {result['rows']} rows (the demo's events among "
            f"them), CPU µs per row{server}, median of the runs (each run in parentheses).\n\n"
            f"| relay step | µs per row |\n|---|---|\n"
            f"| read (`Relay._fetch`, 500 a batch) | {result['read_median']:.1f} "
            f"({runs('read_us')}) |\n"
            f"| mark sent (`Relay._mark`, 500 a run) | {result['mark_median']:.1f} "
            f"({runs('mark_us')}) |\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.outbox_rows",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    sys.stdout.write(report(run(args.backend, args.events, args.repetitions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
