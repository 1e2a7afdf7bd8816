"""The ``zhaoshang`` command: serve, migrate, demo data, OpenAPI, relay — and what the other
parts register.

The core holds the city's commands only. The province, the gateway (and any installed
package) add theirs through the ``zhaoshang.commands`` entry points, and a service that
``zhaoshang serve <what>`` starts through ``zhaoshang.services``: the core never imports
the parts built on it (tests/test_layering.py).

City commands take ``--city <code>`` (the built-in configuration of that city) or
``--config <file>`` (a deployment file). They are also registered on each city
app, so ``flask --app 'core.app:create_app("<file>")' migrate`` works the Flask way.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.config import ConfigError, built_in_config_path

COMMANDS_GROUP = "zhaoshang.commands"
SERVICES_GROUP = "zhaoshang.services"


def city_app(city_code: str | None, config: str | None) -> Flask:
    from core.app import create_app

    if not city_code and not config:
        raise click.UsageError("give --city <code> or --config <file>")
    path = Path(config) if config else built_in_config_path(city_code or "")
    try:
        return create_app(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


city_options = [
    click.option("--city", "city_code", help="built-in city code, e.g. pingliang"),
    click.option("--config", "config", type=click.Path(dir_okay=False),
                 help="deployment configuration file (TOML)"),
]


def with_city(func):
    for option in reversed(city_options):
        func = option(func)
    return func


def prepare_database(app: Flask) -> None:
    """Migrate the schema and load the configured units."""
    from core.api.support import runtime
    from core.db import unit_of_work
    from core.migrate import upgrade
    from core.reference_data import sync_units

    with app.app_context():
        state = runtime()
        Path("var").mkdir(exist_ok=True)
        upgrade(state.city, state.engine)
        with unit_of_work(state.sessions) as session:
            sync_units(session, state.city)


def load_demo(app: Flask) -> dict[str, int]:
    from core.api.support import runtime
    from core.demo import load_demo_data

    with app.app_context():
        return load_demo_data(runtime())


def _entry_points(group: str) -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=group)}


class AssembledGroup(click.Group):
    """The core's commands plus those registered under ``zhaoshang.commands``.

    The registered ones load only when asked for (their name, or the list for ``--help``), so a
    city command does not import the province or the gateway, and a part that is not installed
    simply has no commands. A registered name never shadows a core command.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_entry_points(COMMANDS_GROUP)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        registered = _entry_points(COMMANDS_GROUP).get(cmd_name)
        return registered.load() if registered is not None else None


@click.group(cls=AssembledGroup)
def main() -> None:
    """Zhaoshang 招商引资: city services, relay, province."""


@main.command()
@with_city
def migrate(city_code: str | None, config: str | None) -> None:
    """Create or upgrade a city's database and load its units."""
    prepare_database(city_app(city_code, config))
    click.echo("database ready")


@main.command()
@with_city
def demo(city_code: str | None, config: str | None) -> None:
    """Load demo data into a city's (migrated) database."""
    app = city_app(city_code, config)
    prepare_database(app)
    counts = load_demo(app)
    click.echo(json.dumps(counts, ensure_ascii=False))


@main.command()
@with_city
def openapi(city_code: str | None, config: str | None) -> None:
    """Print a city's OpenAPI document."""
    from core.api.openapi import build_openapi

    app = city_app(city_code, config)
    with app.app_context():
        json.dump(build_openapi(app), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")


def recompute_warnings(app: Flask, today: dt.date | None) -> dict[str, Any]:
    """Run every warning rule over the whole city (what a cron calls daily).

    With ``today`` it is a dry run, like the API's ``POST /warnings/recompute`` with ``today``:
    it answers what would be raised, changed and cleared as of that day and stores nothing.
    """
    from core.api.support import runtime
    from core.db import unit_of_work
    from core.events import to_json_value
    from core.services.warnings import recompute

    dry_run = today is not None
    with app.app_context():
        state = runtime()
        with unit_of_work(state.sessions) as session:
            summary = recompute(session, state.city, today, dry_run=dry_run)
            if not dry_run:
                return summary.as_dict()
            session.rollback()  # nothing of a dry run is kept
            return to_json_value(summary.as_dict() | {
                "today": today, "dry_run": True, "details": summary.details})


@main.command("warnings")
@with_city
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="dry run: show what would change as of this day (YYYY-MM-DD), store nothing; "
                   "without it, recompute as of the city's today and store the result")
def warnings_command(city_code: str | None, config: str | None, today: dt.datetime | None) -> None:
    """Recompute a city's warnings: raise new ones, clear resolved ones (for cron); with
    ``--today`` only print what would change."""
    summary = recompute_warnings(city_app(city_code, config), today.date() if today else None)
    click.echo(json.dumps(summary, ensure_ascii=False))


@main.command("schedule")
@with_city
@click.option("--at", "at", default="00:30", show_default=True,
              help="daily run time on the city's wall clock (HH:MM)")
@click.option("--once", is_flag=True, help="run the daily jobs once now, then exit")
@click.option("--metrics-port", type=int, default=None,
              help="serve /metrics (runs by job and outcome, last success) on 127.0.0.1:PORT")
def schedule_command(city_code: str | None, config: str | None, at: str, once: bool,
                     metrics_port: int | None) -> None:
    """Run a city's daily recomputation (warnings, overdue judgements) on a schedule in the
    city's time zone, once at start and then daily (runs until stopped; see core/scheduler.py)."""
    import logging
    import signal

    from core.api.support import runtime
    from core.observability import serve_metrics
    from core.reminders import run_reminders
    from core.scheduler import SchedulerMetrics, build_scheduler, run_daily

    try:
        hour, minute = (int(part) for part in at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError(at)
    except ValueError:
        raise click.BadParameter(f"expected HH:MM, got {at!r}", param_hint="--at") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = city_app(city_code, config)  # the city service owns (and migrates) the database
    with app.app_context():
        state = runtime()
    metrics = SchedulerMetrics()
    if metrics_port is not None:  # before the first run, so a scrape sees it
        serve_metrics(metrics.registry, metrics_port)

    def run() -> dict:
        return run_daily(state.sessions, state.city, metrics=metrics)

    def remind() -> dict:
        return metrics.observed("reminders", lambda: run_reminders(state.sessions, state.city))

    done = run()
    click.echo(json.dumps(done, ensure_ascii=False, default=str))
    click.echo(json.dumps({"reminders": remind()}, ensure_ascii=False))
    if once:
        return
    scheduler = build_scheduler(state.city, run, hour, minute, reminders=remind)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"schedule {state.city.code}: daily at {at} {state.city.clock.zone_name}",
               nl=True)
    scheduler.start()


@main.group(invoke_without_command=True)
@with_city
@click.option("--bootstrap-servers", default=None,
              help="Kafka bootstrap servers (default: [events] bootstrap_servers, "
                   "KAFKA_BOOTSTRAP_SERVERS, 127.0.0.1:9092)")
@click.option("--batch-size", default=500, type=int, show_default=True)
@click.option("--once", is_flag=True, help="publish what is waiting, then exit")
@click.pass_context
def relay(ctx: click.Context, city_code: str | None, config: str | None,
          bootstrap_servers: str | None, batch_size: int, once: bool) -> None:
    """Publish a city's outbox to its Kafka topic (runs until stopped; see core/relay.py);
    its subcommands look after the outbox (``relay status``, ``relay prune``)."""
    if ctx.invoked_subcommand is not None:
        return  # a subcommand (status, prune, ...) takes its own --city/--config
    import logging
    import signal
    import threading

    from core.api.support import runtime
    from core.relay import RelaySettings, city_relay

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("kafka").setLevel(logging.ERROR)
    app = city_app(city_code, config)  # the city service owns (and migrates) the database
    with app.app_context():
        state = runtime()
        worker = city_relay(state.city, state.engine, bootstrap_servers,
                            RelaySettings(batch_size=batch_size))
    if once:
        click.echo(json.dumps({"published": worker.drain()}))
        worker.close()
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"relay {state.city.code} → {state.city.topic}")
    worker.run(stop)


@relay.command("status")
@with_city
def relay_status(city_code: str | None, config: str | None) -> None:
    """Print the outbox's figures as JSON: unsent backlog, oldest unsent, newest sent, pruned."""
    from core.api.support import runtime
    from core.clock import utcnow
    from core.outbox_pruning import outbox_status

    app = city_app(city_code, config)
    with app.app_context(), runtime().sessions() as session:
        status = outbox_status(session, utcnow())
    click.echo(json.dumps(status, ensure_ascii=False))


@relay.command("prune")
@with_city
def relay_prune(city_code: str | None, config: str | None) -> None:
    """Delete the outbox rows sent more than ``[events] outbox_keep_days`` ago (the daily
    schedule does it too; see core/outbox_pruning.py)."""
    from core.api.support import runtime
    from core.clock import utcnow
    from core.db import unit_of_work
    from core.outbox_pruning import prune_outbox

    app = city_app(city_code, config)
    with app.app_context():
        state = runtime()
        with unit_of_work(state.sessions) as session:
            deleted = prune_outbox(session, state.city, utcnow())
    click.echo(json.dumps({"deleted": deleted}))


@relay.command("republish")
@with_city
@click.option("--outbox", "from_outbox", is_flag=True,
              help="mark the outbox rows still held unsent: the relay re-sends them, same ids")
@click.option("--from-position", type=click.IntRange(min=1), default=None,
              help="with --outbox: only rows from this outbox position on")
@click.option("--state", "from_state", is_flag=True,
              help="write every project's and lead's current state as new events, "
                   "then a snapshot")
def relay_republish(city_code: str | None, config: str | None, from_outbox: bool,
                    from_position: int | None, from_state: bool) -> None:
    """Re-send a city's history for a new or rebuilt province (the running relay sends it;
    see core/republish.py and docs/events.md, "Retention, replay and rebuild")."""
    from core.api.support import runtime
    from core.db import unit_of_work
    from core.republish import republish_outbox, republish_state

    if from_outbox == from_state:
        raise click.UsageError("give exactly one of --outbox or --state")
    if from_position is not None and not from_outbox:
        raise click.UsageError("--from-position goes with --outbox")
    app = city_app(city_code, config)
    with app.app_context():
        state = runtime()
        with unit_of_work(state.sessions) as session:
            done = (republish_outbox(session, from_position) if from_outbox
                    else republish_state(session, state.city))
    click.echo(json.dumps(done.as_dict() | {"topic": state.city.topic}))


@main.command()
@with_city
def snapshot(city_code: str | None, config: str | None) -> None:
    """Write a city snapshot event (its totals) for the province to reconcile (for cron)."""
    from core.api.support import runtime
    from core.db import unit_of_work
    from core.snapshot import record_snapshot

    app = city_app(city_code, config)
    with app.app_context():
        state = runtime()
        with unit_of_work(state.sessions) as session:
            event = record_snapshot(session, state.city)
            body = {"id": event.id, "type": event.type, "data": event.data}
    click.echo(json.dumps(body, ensure_ascii=False))


@main.command("prune-idempotency-keys")
@with_city
def prune_idempotency_keys(city_code: str | None, config: str | None) -> None:
    """Delete the Idempotency-Keys kept longer than their 24 hours (for cron)."""
    from core.api.idempotency import prune
    from core.api.support import runtime
    from core.db import unit_of_work

    app = city_app(city_code, config)
    with app.app_context(), unit_of_work(runtime().sessions) as session:
        deleted = prune(session)
    click.echo(json.dumps({"deleted": deleted}))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", required=True,
              type=click.Choice(["leads", "projects", "enterprises", "introducers"]))
@click.option("--commit", is_flag=True, help="import for real (default: a dry run)")
@click.option("--user", default="cli-import", show_default=True, help="who imports (history)")
@click.option("--role", default="officer", show_default=True,
              type=click.Choice(["officer", "clerk", "admin"]))
@click.option("--unit", default=None, help="a clerk's own unit code")
@with_city
def import_command(file: str, kind: str, commit: bool, user: str, role: str, unit: str | None,
                   city_code: str | None, config: str | None) -> None:
    """Import a ledger (.xlsx): a dry run listing every problem, or --commit (all or nothing).

    Prints the result as JSON (problems with sheet, row, column, code, message); exits 1 when
    the file has problems.
    """
    from core.api.support import runtime
    from core.identity import Actor
    from core.ledger_import.run import run_import

    app = city_app(city_code, config)
    path = Path(file)
    with app.app_context():
        state = runtime()
        result = run_import(state.sessions, state.city, Actor(user, role, unit), kind, path.name,
                            path.read_bytes(), dry_run=not commit)
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    verb = "imported" if result.committed else "would import" if not result.problems else "refused"
    click.echo(f"{kind}: {result.rows} rows, {verb} {result.created}, unchanged {result.unchanged}, "
               f"{len(result.problems)} problems", err=True)
    if result.problems:
        sys.exit(1)


@main.command()
@click.argument("what", default="city")
@with_city
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=None, type=int,
              help="default 8000 (city); a registered service has its own (province: 8100)")
@click.option("--threads", default=8, type=int)
def serve(what: str, city_code: str | None, config: str | None, host: str, port: int | None,
          threads: int) -> None:
    """Serve a city (``serve --city lanzhou``) or a registered service (``serve province
    [--config]``, from the ``zhaoshang.services`` entry points) with waitress; SIGTERM drains
    the requests in flight (core.graceful)."""
    from core.graceful import serve as serve_gracefully

    if what != "city":
        services = _entry_points(SERVICES_GROUP)
        if what not in services:
            raise click.UsageError(f"unknown service {what!r}; known: "
                                   f"{', '.join(['city', *sorted(services)])}")
        # A service is called as serve(config, host, port or None, threads).
        services[what].load()(config, host, port, threads)
        return
    port = port or 8000
    from core.observability import REQUEST_LOGGER, plain_json_lines

    plain_json_lines(REQUEST_LOGGER)  # one JSON object per line, for the log collector
    app = city_app(city_code, config)
    prepare_database(app)
    click.echo(f"serving {app.extensions['zhaoshang'].city.name} on http://{host}:{port}/api/v1")
    serve_gracefully(app, host=host, port=port, threads=threads, ident="zhaoshang")


@main.command("new-city")
@click.argument("code")
@click.option("--name", required=True, help="the city's Chinese name, e.g. 天水市")
@click.option("--province", required=True, help="its province, e.g. 甘肃省")
@click.option("--dest", default=".", type=click.Path(file_okay=False),
              help="where the new package's directory goes (default: here)")
def new_city(code: str, name: str, province: str, dest: str) -> None:
    """Generate a city plugin as a package of its own (docs/adding-a-city.md)."""
    from core.scaffold import NewCity, ScaffoldError, generate_city

    try:
        root = generate_city(NewCity(code, name, province), Path(dest))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已生成 {name}（{code}）：{root}\n"
               f"  pip install -e {root}   # 安装后运行其测试：cd {root} && pytest")


def register_commands(app: Flask) -> None:
    """The same commands on a city app, for ``flask --app … <command>``."""

    @app.cli.command("migrate")
    @with_appcontext
    def _migrate() -> None:
        prepare_database(current_app._get_current_object())
        click.echo("database ready")

    @app.cli.command("demo")
    @with_appcontext
    def _demo() -> None:
        click.echo(json.dumps(load_demo(current_app._get_current_object()), ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
