"""``zhaoshang province …`` and ``zhaoshang serve province``: the province's commands."""

from __future__ import annotations

import json
import logging
import signal
import threading

import click

from core.config import ConfigError


def _config(path: str | None):
    from province.config import load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _engine(config):
    from pathlib import Path

    from core.db import make_engine
    from province.migrate import upgrade

    if config.database_url.startswith("sqlite:///"):
        Path(config.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True,
                                                                         exist_ok=True)
    engine = make_engine(config.database_url)
    upgrade(engine)
    return engine


def serve_province(config_path: str | None, host: str, port: int | None, threads: int) -> None:
    """Serve ``/api/v1/province`` with waitress over the (migrated) province database
    (``zhaoshang serve province``, registered under ``zhaoshang.services``; port 8100 unless
    given); SIGTERM drains the requests in flight (core.graceful)."""
    from core.graceful import serve

    port = port or 8100

    from province.app import create_app

    config = _config(config_path)
    _engine(config).dispose()
    from core.observability import REQUEST_LOGGER, plain_json_lines

    plain_json_lines(REQUEST_LOGGER)
    app = create_app(config)
    click.echo(f"serving {config.name} on http://{host}:{port}/api/v1/province")
    serve(app, host=host, port=port, threads=threads, ident="zhaoshang-province")


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="province configuration file (default province/config.toml)")


@click.group("province")
def province_group() -> None:
    """The province service: consume the cities' events, migrate its store."""


@province_group.command()
@config_option
def migrate(config_path: str | None) -> None:
    """Create or upgrade the province database."""
    _engine(_config(config_path)).dispose()
    click.echo("province database ready")


@province_group.command()
@config_option
@click.option("--bootstrap-servers", default=None, help="override [kafka] bootstrap_servers")
@click.option("--metrics-port", type=int, default=None,
              help="serve /metrics (lag, applied, dead letters) on 127.0.0.1:PORT")
def consume(config_path: str | None, bootstrap_servers: str | None,
            metrics_port: int | None) -> None:
    """Consume the configured cities' topics into the province store (runs until stopped)."""
    from core.db import make_session_factory
    from core.long_lived import freeze_start_up_objects
    from core.observability import plain_json_lines, serve_metrics
    from province.config import build_config
    from province.consumer import ProvinceConsumer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("kafka").setLevel(logging.ERROR)
    config = _config(config_path)
    if bootstrap_servers:
        raw = json.loads(json.dumps(config.raw))
        raw["kafka"]["bootstrap_servers"] = bootstrap_servers
        config = build_config(raw, config.origin)
    consumer = ProvinceConsumer(config, make_session_factory(_engine(config)))
    plain_json_lines("zhaoshang.province.events")  # one JSON line per applied event, alone
    if metrics_port is not None:
        serve_metrics(consumer.metrics.registry, metrics_port)
        click.echo(f"metrics on http://127.0.0.1:{metrics_port}/metrics")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"{config.name}: consuming {', '.join(config.topics)} as {config.group_id}")
    freeze_start_up_objects()  # the consumer, its mappers and settings, kept until it stops
    consumer.run(stop)


@province_group.command()
@config_option
def prune(config_path: str | None) -> None:
    """Delete inbox ids older than ``[retention] inbox_keep_days`` below each city's newest
    snapshot, and old snapshots (the consumer does it hourly; see province/pruning.py)."""
    from core.db import make_session_factory
    from province.pruning import prune_inbox

    config = _config(config_path)
    engine = _engine(config)
    try:
        deleted = prune_inbox(make_session_factory(engine), config)
    finally:
        engine.dispose()
    click.echo(json.dumps({"deleted": deleted}))


@province_group.command()
@config_option
@click.option("--yes", is_flag=True, help="confirm: every province table is emptied")
def rebuild(config_path: str | None, yes: bool) -> None:
    """Empty the province database and rewind the consumer group to the beginning of every
    city topic; start the consumers afterwards to re-read everything (province/rebuild.py)."""
    from core.db import make_session_factory
    from province.rebuild import RebuildRefused
    from province.rebuild import rebuild as rebuild_province

    if not yes:
        raise click.ClickException("rebuild empties every province table: run it again with "
                                   "--yes once every province consumer is stopped")
    config = _config(config_path)
    engine = _engine(config)
    try:
        done = rebuild_province(config, make_session_factory(engine))
    except RebuildRefused as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(json.dumps({"group": config.group_id} | done.as_dict(), ensure_ascii=False))


@province_group.command("check-figures")
@config_option
@click.option("--repair", is_flag=True, help="recompute the read model from the raw tables")
def check_figures(config_path: str | None, repair: bool) -> None:
    """Compare the figures' read model (province_figure_totals, the project counters) with
    its recomputation from the stored projects, tranches and leads; exit 1 on any drift (a bug:
    the store keeps it in step). ``--repair`` then recomputes it (province/figure_totals.py)."""
    from core.db import make_session_factory, unit_of_work
    from province.figure_totals import drift, refill

    config = _config(config_path)
    engine = _engine(config)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            found = drift(session)
            if found and repair:
                refill(session)
    finally:
        engine.dispose()
    click.echo(json.dumps({"drift": len(found), "repaired": bool(found and repair),
                           "differences": found[:20]}, ensure_ascii=False, default=str))
    if found and not repair:
        raise SystemExit(1)


# --------------------------------------------------------------------------- dead letters


def _sessions(config_path: str | None):
    from core.db import make_session_factory

    config = _config(config_path)
    return config, make_session_factory(_engine(config))


def _operator() -> str:
    """Who acts from the command line, as the letter records it."""
    import os

    return f"cli:{os.environ.get('USER') or 'operator'}"[:100]


def _problem(exc: Exception) -> click.ClickException:
    """A refusal of the operator actions (core.problems.Problem) as a command's error."""
    detail = getattr(exc, "detail", None) or str(exc)
    return click.ClickException(detail)


@province_group.group("dead-letters")
def dead_letters_group() -> None:
    """Records set aside instead of applied: list, show, replay, discard (docs/events.md)."""


@dead_letters_group.command("list")
@config_option
@click.option("--city", default=None, help="only this city's letters")
@click.option("--status", type=click.Choice(["held", "replayed", "discarded"]), default=None,
              help="only letters in this status (default: all)")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
def list_letters(config_path: str | None, city: str | None, status: str | None,
                 limit: int) -> None:
    """A table of dead letters, oldest first."""
    from province.dead_letters import STATUSES, list_dead_letters

    config, sessions = _sessions(config_path)
    with sessions() as session:
        letters = list_dead_letters(session, city, status, limit=limit)
        rows = [(str(x.id), x.city, STATUSES.get(x.status, x.status), x.reason,
                 x.received_at.isoformat(timespec="seconds"), x.event_type or "-",
                 x.event_id or "-", f"{x.topic}/{x.partition}@{x.offset}") for x in letters]
    heading = ("id", "city", "status", "reason", "received_at", "type", "event_id", "record")
    widths = [max(len(r[i]) for r in [heading, *rows]) for i in range(len(heading))]
    for row in [heading, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                   .rstrip())
    click.echo(f"{len(rows)} dead letter(s)")


@dead_letters_group.command("show")
@config_option
@click.argument("letter_id", type=int)
def show_letter(config_path: str | None, letter_id: int) -> None:
    """One letter: where it came from, why it was set aside, its raw headers and value."""
    from core.problems import Problem
    from province.dead_letters import STATUSES, get, inspected

    config, sessions = _sessions(config_path)
    with sessions() as session:
        try:
            letter = get(session, letter_id)
        except Problem as exc:
            raise _problem(exc) from exc
        raw = inspected(letter)
        lines = [
            f"dead letter {letter.id}: {STATUSES.get(letter.status, letter.status)} "
            f"({letter.status}), {letter.attempts} replay(s) tried",
            f"city:        {letter.city} ({config.city_name(letter.city)})",
            f"record:      {letter.topic} partition {letter.partition} offset {letter.offset}",
            f"received_at: {letter.received_at.isoformat(timespec='seconds')}",
            f"reason:      {letter.reason}",
            f"detail:      {letter.detail}",
            f"event:       {letter.event_type or '-'} {letter.event_id or '-'} "
            f"sequence {letter.sequence if letter.sequence is not None else '-'}",
        ]
        if letter.resolved_at is not None:
            lines.append(f"resolved:    {letter.resolved_at.isoformat(timespec='seconds')} by "
                         f"{letter.resolved_by}: {letter.resolution}")
    lines.append(f"key:         {_bytes_text(raw['key'])}")
    lines.append("headers:")
    lines += [f"  {h['name']}: {_bytes_text(h if h['encoding'] else None)}"
              for h in raw["headers"]]
    lines.append("value:")
    lines.append(raw["value_text"] if raw["value_text"] is not None
                 else _bytes_text(raw["value"]))
    click.echo("\n".join(lines))


def _bytes_text(shown: dict | None) -> str:
    """UTF-8 as text, anything else as hex (``hex:…``), a null as ``(null)``."""
    if shown is None:
        return "(null)"
    return shown["data"] if shown["encoding"] == "utf-8" else f"hex:{shown['hex']}"


@dead_letters_group.command("replay")
@config_option
@click.argument("letter_ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="every held letter (of --city)")
@click.option("--city", default=None, help="with --all: only this city's letters")
def replay_letters(config_path: str | None, letter_ids: tuple[int, ...], every: bool,
                   city: str | None) -> None:
    """Read letters again with the current catalogue and configuration and apply them; a
    letter still bad stays held with its new reason (exit status 1). Offsets are not moved."""
    from core.db import unit_of_work
    from core.problems import Problem
    from province.dead_letters import ReplayOutcome, replay, replay_all

    if every == bool(letter_ids):
        raise click.UsageError("give letter ids or --all (not both)")
    if city and not every:
        raise click.UsageError("--city goes with --all")
    config, sessions = _sessions(config_path)
    outcomes: list[ReplayOutcome] = []
    if every:
        outcomes = replay_all(sessions, config, _operator(), city)
    for letter_id in letter_ids:
        try:
            with unit_of_work(sessions) as session:
                outcomes.append(replay(session, config, letter_id, _operator()))
        except Problem as exc:
            outcomes.append(ReplayOutcome(letter_id, "refused", exc.code, exc.detail))
    for outcome in outcomes:
        said = {"applied": "applied", "duplicate": "already applied (duplicate), not counted again",
                "still_bad": f"still bad, kept held: {outcome.reason}: {outcome.detail}",
                "refused": f"refused: {outcome.detail}"}[outcome.outcome]
        click.echo(f"{outcome.letter_id}: {said}")
    click.echo(f"{sum(o.resolved for o in outcomes if o.outcome != 'refused')} of "
               f"{len(outcomes)} replayed")
    if any(not o.resolved or o.outcome == "refused" for o in outcomes):
        raise SystemExit(1)


@dead_letters_group.command("discard")
@config_option
@click.argument("letter_id", type=int)
@click.option("--reason", required=True, help="why it is given up (kept with the letter)")
def discard_letter(config_path: str | None, letter_id: int, reason: str) -> None:
    """Give a held letter up for good, with a reason."""
    from core.db import unit_of_work
    from core.problems import Problem
    from province.dead_letters import discard

    config, sessions = _sessions(config_path)
    try:
        with unit_of_work(sessions) as session:
            discard(session, letter_id, _operator(), reason, now=config.clock.utcnow())
    except Problem as exc:
        raise _problem(exc) from exc
    click.echo(f"{letter_id}: discarded")
