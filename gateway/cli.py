"""``zhaoshang users …`` and ``zhaoshang gateway …``: gateway users and serving the gateway."""

from __future__ import annotations

import click

config_option = click.option(
    "--config", "config", type=click.Path(dir_okay=False),
    help="gateway configuration file (default: ZHAOSHANG_GATEWAY_CONFIG or gateway/config.toml)")


def _settings(config: str | None):
    from core.config import ConfigError
    from gateway.config import load_settings

    try:
        return load_settings(config)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _sessions(settings):
    from core.db import make_engine, make_session_factory
    from gateway.store import upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    return make_session_factory(engine)


@click.group()
def users() -> None:
    """Gateway users: who may sign in, with which role, city and unit."""


@users.command("create")
@config_option
@click.option("--username", required=True)
@click.option("--role", required=True,
              type=click.Choice(["clerk", "officer", "leader", "province", "admin"]))
@click.option("--city", default=None, help="city code (clerk, officer, leader)")
@click.option("--unit", default=None, help="the clerk's own unit code")
@click.option("--display-name", default=None)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create(config: str | None, username: str, role: str, city: str | None, unit: str | None,
           display_name: str | None, password: str) -> None:
    """Create a user (the password is stored as an argon2id hash)."""
    from core.db import unit_of_work
    from gateway.users import NewUser, UserError, create_user

    settings = _settings(config)
    try:
        with unit_of_work(_sessions(settings)) as session:
            create_user(session, NewUser(username, role, password, city, unit, display_name),
                        set(settings.cities))
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {username} created ({role}{', ' + city if city else ''}"
               f"{', ' + unit if unit else ''})")


@users.command("list")
@config_option
def list_users(config: str | None) -> None:
    """List the users."""
    import sqlalchemy as sa

    from core.db import unit_of_work
    from gateway.store import User

    with unit_of_work(_sessions(_settings(config))) as session:
        for user in session.scalars(sa.select(User).order_by(User.username)):
            state = "" if user.active else "  (disabled)"
            click.echo(f"{user.username:<24} {user.role:<9} {user.city or '-':<10} "
                       f"{user.unit or '-':<12} {user.display_name}{state}")


def _change(config: str | None, username: str, change, done: str) -> None:
    """Run ``change(session, settings)`` on the gateway database; a UserError is the message."""
    from core.db import unit_of_work
    from gateway.users import UserError

    settings = _settings(config)
    try:
        with unit_of_work(_sessions(settings)) as session:
            change(session, settings)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {username} {done}")


@users.command("disable")
@config_option
@click.argument("username")
def disable(config: str | None, username: str) -> None:
    """Stop a user: no new sign-ins, and their issued tokens stop working at once."""
    from gateway.users import set_active

    _change(config, username, lambda session, _: set_active(session, username, False),
            "disabled (existing tokens no longer work)")


@users.command("enable")
@config_option
@click.argument("username")
def enable(config: str | None, username: str) -> None:
    """Let a disabled user sign in again (with new tokens)."""
    from gateway.users import set_active

    _change(config, username, lambda session, _: set_active(session, username, True), "enabled")


@users.command("update")
@config_option
@click.argument("username")
@click.option("--role", default=None,
              type=click.Choice(["clerk", "officer", "leader", "province", "admin"]))
@click.option("--city", default=None, help="city code (clerk, officer, leader)")
@click.option("--unit", default=None, help="the clerk's own unit code")
@click.option("--display-name", default=None)
def update(config: str | None, username: str, role: str | None, city: str | None,
           unit: str | None, display_name: str | None) -> None:
    """Change a user's role, city, unit or name; a new role, city or unit ends their tokens."""
    from gateway.users import change_user

    _change(config, username, lambda session, settings: change_user(
        session, username, role=role, city=city, unit=unit, display_name=display_name,
        city_codes=set(settings.cities)), "updated")


@users.command("delete")
@config_option
@click.argument("username")
def delete(config: str | None, username: str) -> None:
    """Remove a user; their issued tokens stop working at once."""
    from gateway.users import delete_user

    _change(config, username, lambda session, _: delete_user(session, username), "deleted")


@click.group("gateway")
def gateway_group() -> None:
    """The gateway: the only public entry."""


@gateway_group.command("demo-users")
@config_option
def demo_users(config: str | None) -> None:
    """Create the demo logins (one per role and city) and print those just created."""
    from gateway.demo import demo_table, ensure_demo_users

    settings = _settings(config)
    created = ensure_demo_users(_sessions(settings), settings)
    click.echo("演示账号（仅首次创建时显示）：\n" + demo_table(created) if created
               else "演示账号已存在，密码见 README 的 Demo logins")


@gateway_group.command("serve")
@config_option
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--threads", default=16, type=int)
def serve(config: str | None, host: str, port: int, threads: int) -> None:
    """Serve the gateway with waitress; SIGTERM drains the requests in flight (core.graceful)."""
    import logging

    from core.config import ConfigError
    from core.graceful import serve as serve_gracefully
    from gateway.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        app = create_app(config)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    from core.observability import REQUEST_LOGGER, plain_json_lines

    plain_json_lines(REQUEST_LOGGER)
    click.echo(f"gateway on http://{host}:{port}/api/v1 (OpenAPI: /api/v1/openapi.json)")
    serve_gracefully(app, host=host, port=port, threads=threads, ident="zhaoshang-gateway")
