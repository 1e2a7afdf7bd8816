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


def serve_province(config_path: str | None, host: str, port: int, threads: int) -> None:
    """Serve ``/api/v1/province`` with waitress over the (migrated) province database."""
    import waitress

    from province.app import create_app

    config = _config(config_path)
    _engine(config).dispose()
    app = create_app(config)
    click.echo(f"serving {config.name} on http://{host}:{port}/api/v1/province")
    waitress.serve(app, host=host, port=port, threads=threads, ident="zhaoshang-province")


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
def consume(config_path: str | None, bootstrap_servers: str | None) -> None:
    """Consume the configured cities' topics into the province store (runs until stopped)."""
    from core.db import make_session_factory
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
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"{config.name}: consuming {', '.join(config.topics)} as {config.group_id}")
    consumer.run(stop)
