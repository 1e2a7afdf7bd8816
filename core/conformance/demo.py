"""The city's demo, as the kit checks it: ``zhaoshang demo`` against a fresh database.

A city shows its rules at work through the ``demo_data`` hook; a rule added later (a signing
guard, a required field) can break it without any other test noticing. The kit runs the
command a deployment and ``make up`` run — ``zhaoshang demo --config <file>`` — on the run's
own copy of the city's file with a database of its own, and reports:

* the command failing (with the tail of its output);
* a demo that loads no project (the demo shows the city at work, or it shows nothing);
* every event the demo wrote that is not catalogued, or whose data departs from its
  catalogue entry (the province would set it aside as a dead letter).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.conformance.service import private_deployment
from core.identity import GATEWAY_SECRET_ENV

DEMO_SECONDS = 600.0  # a large demo on a busy two-core machine


def catalogue_problems(database_url: str, catalogue: Any = None) -> list[str]:
    """Each event type in the city's outbox that ``catalogue`` (the city's: the core's and its
    plugins' types) does not know, or whose data departs from it (one line per type and
    problem: a demo writes hundreds of events)."""
    from core.db import make_engine
    from core.event_catalogue import check_event
    from core.models import OutboxEvent

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(OutboxEvent.type, OutboxEvent.schema_version,
                                                OutboxEvent.wire).order_by(OutboxEvent.position))
            found: dict[str, None] = {}
            for event_type, version, wire in rows:
                for problem in check_event(event_type, json.loads(wire), version, catalogue):
                    found.setdefault(problem)
    finally:
        engine.dispose()
    return list(found)


def demo_problems(config_path: Path | str, workdir: Path) -> list[str]:
    """What is wrong with the city's demo loaded by ``zhaoshang demo`` into a fresh database
    (empty when it loads and every event it wrote is catalogued)."""
    from core.city import load_city

    workdir.mkdir(parents=True, exist_ok=True)
    # No broker: the demo writes the outbox, it does not publish.
    config_file, raw = private_deployment(config_path, workdir, "127.0.0.1:9")
    # The catalogue checked below is the one the city's service writes with: the core's
    # types and its enabled plugins' (their event_types hook).
    catalogue = load_city(config_file).event_catalogue
    env = {key: value for key, value in os.environ.items() if key != GATEWAY_SECRET_ENV}
    done = subprocess.run([sys.executable, "-m", "core.cli", "demo", "--config", str(config_file)],
                          cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=DEMO_SECONDS, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-4000:]
        return [f"zhaoshang demo failed (exit {done.returncode}):\n{output}"]
    from core.db import make_engine
    from core.models import Project

    engine = make_engine(raw["database"]["url"])
    try:
        with engine.connect() as connection:
            projects = connection.scalar(sa.select(sa.func.count()).select_from(Project))
    finally:
        engine.dispose()
    problems = [] if projects else ["zhaoshang demo loaded no project"]
    return problems + catalogue_problems(raw["database"]["url"], catalogue)
