"""``make bench``: every measure of issue 21 side by side in one run, each as a ratio to its
baseline on the same rows, with the goal it is held to (benchmarks, never tests).

* **city** — ``/stats`` for one year at 5,000 projects vs one SQL aggregate (:mod:`.figures`);
* **assessment** — a run over 5,000 projects × 200 units vs one SQL pass (:mod:`.assessment`);
* **api** — project list, ``/stats``, lead POST through waitress vs a bare Flask app (:mod:`.api`);
* **province** — the province's figures at 10k, 100k, 1.7 M projects vs one ``GROUP BY``, their
  growth and memory (:mod:`.figures`; ``--scale small`` stops at 100k);
* **search** — a list's ``q`` at 20,000 records on PostgreSQL and SQLite vs the list's first
  page (:mod:`.search`);
* **ledger_import** — a 5,000-project ledger dry-run and committed on PostgreSQL and SQLite vs the
  issue's minute (:mod:`.ledger_import`);
* **export** — an Excel download of 5,000 rows vs openpyxl's write-only workbook (:mod:`.exports`);
* **relay** — the relay vs a raw kafka-python producer and Kafka's Java producer
  (``benchmarks.relay``);
* **pipeline** — events through relay → Kafka → province (:mod:`.pipeline`, its own report).

All on a throwaway PostgreSQL (``infra.postgres``) and Kafka broker; nothing is written into the
repository unless ``--output FILE`` is given.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import assessment, figures
from benchmarks.measure import Row, table
from benchmarks.synthetic import CITY, city_raw, fill_city, postgres

SECTIONS = ("city", "assessment", "api", "province", "search", "ledger_import", "export",
            "relay", "pipeline")


def city_app(url: str, units: int, projects: int) -> Any:
    """The benchmark city (the assessment scheme's plugin added) with its synthetic rows."""
    from core.city import build_city
    from tests.support.cities import ready_app

    city = build_city(city_raw(url, units), "<bench>",
                      [("bench_assessment", assessment.AssessmentPlugin())])
    app = ready_app(city, url)
    fill_city(app.extensions["zhaoshang"].engine, projects)
    return app


def identity_headers() -> dict[str, str]:
    # The app is built without a gateway secret: the identity headers are taken as sent.
    return {"X-Zhaoshang-User": "bench", "X-Zhaoshang-Role": "officer",
            "X-Zhaoshang-City": CITY}


def relay_rows(options: argparse.Namespace) -> list[Row]:
    """The relay benchmark (``benchmarks.relay.run``) against the raw kafka-python producer and
    Kafka's Java producer on the same broker and messages: each repetition's ratio (the relay
    and the producers run one after the other in it), their median reported."""
    from benchmarks import relay

    args = relay.parser().parse_args(["--events", str(options.relay_events),
                                      "--repetitions", str(options.relay_repetitions)])
    result: dict[str, Any] = relay.run(args)
    rows = []
    for side, name, goal in (("raw", "raw kafka-python producer", "≥ 0.9×"),
                             ("java", "Kafka's Java producer", "")):
        if result["rates"].get(side):
            row = Row("relay", "outbox → Kafka, events/s", result["relay_median"],
                      result[f"{side}_median"], name, goal=goal, higher_is_better=True,
                      note=relay.cpu_note(result) if side == "raw" else "",
                      paired_ratios=tuple(
                          ours / theirs for ours, theirs
                          in zip(result["rates"]["relay"], result["rates"][side], strict=True)))
            row.met = row.ratio >= 0.9 if goal else None
            rows.append(row)
    return rows


def measure(options: argparse.Namespace, work: Path) -> tuple[list[Row], list[str]]:
    """The rows of the table and any section's own report (the pipeline's)."""
    rows: list[Row] = []
    reports: list[str] = []
    wanted = set(options.only)
    city_sections = wanted & {"city", "assessment", "api", "province", "search", "ledger_import"}
    if city_sections:
        with postgres(work / "postgres") as server:
            if wanted & {"city", "assessment", "api"}:
                url = server.create_database("bench_city")
                app = city_app(url, options.units, options.projects)
                if "city" in wanted:
                    rows += figures.city_stats(app, identity_headers(), options.repeat)
                if "assessment" in wanted:
                    rows += assessment.run(app, options.repeat)
                app.extensions["zhaoshang"].engine.dispose()
                if "api" in wanted:
                    rows += importlib.import_module("benchmarks.api").run(
                        url, options.units, work, options.requests, options.api_rounds)
            if "search" in wanted:
                from benchmarks import search

                rows += search.run(server, work, options.units, options.repeat)
            if "ledger_import" in wanted:
                from benchmarks import ledger_import

                rows += ledger_import.run(server, work)
            if "province" in wanted:
                rows += figures.province(server, options.scale, options.cities, options.repeat)
    if "export" in wanted:
        from benchmarks import exports

        rows += exports.run(repeat=options.repeat)
    if "relay" in wanted:
        rows += relay_rows(options)
    if "pipeline" in wanted:
        from benchmarks import pipeline

        reports.append(pipeline.report(pipeline.run(options.events, 15.0, "sqlite", False)))
    return rows, reports


def machine() -> str:
    memory = ""
    if os.path.exists("/proc/meminfo"):
        total = int(open("/proc/meminfo").readline().split()[1])  # noqa: SIM115
        memory = f", {total / 1_000_000:.0f} GB RAM"
    import sqlalchemy

    return (f"{os.cpu_count()} CPUs{memory}, {platform.platform()}, Python "
            f"{platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(figures.SCALES), default="full",
                        help="province sizes: full = 10k/100k/1.7M (the issue's), small = "
                             "10k/100k, tiny = a smoke run")
    parser.add_argument("--only", type=lambda text: text.split(","), default=list(SECTIONS),
                        help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--projects", type=int, default=5_000, help="the city's projects")
    parser.add_argument("--units", type=int, default=200, help="the city's assessed units")
    parser.add_argument("--cities", type=int, default=figures.CITIES)
    parser.add_argument("--requests", type=int, default=800, help="per API path and round")
    parser.add_argument("--api-rounds", type=int, default=5,
                        help="rounds of each API path, the city and the bare app side by side")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--events", type=int, default=20_000, help="the pipeline's events")
    parser.add_argument("--relay-events", type=int, default=50_000, help="per relay repetition")
    parser.add_argument("--relay-repetitions", type=int, default=5,
                        help="relay repetitions (each: the relay, then the producers)")
    parser.add_argument("--output", help="also write the table into this file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args(argv)
    unknown = set(options.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="zs-bench-"))
    began = time.monotonic()
    try:
        rows, reports = measure(options, work)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = (f"Machine: {machine()}. Scale: {options.scale}; took "
            f"{time.monotonic() - began:,.0f} s.\n\n" + table(rows) + "".join(
                "\n" + report for report in reports))
    sys.stdout.write(text)
    if options.output:
        Path(options.output).write_text(text)
    return 0
