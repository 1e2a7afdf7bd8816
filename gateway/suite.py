"""The gateway's part of ``make up``: shared secrets, demo logins and its command line.

``infra/suite.py`` (the suite runner) calls these; they are plain functions so the
runner decides how it starts and watches processes::

    env = shared_secrets(var)                # give these to every service and the gateway
    config = suite_config(var, {"lanzhou": ("兰州市", "http://127.0.0.1:8101")})
    command = gateway_command(config, port=GATEWAY_PORT)
    table = demo_logins(config)              # print once when not None
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from core.identity import GATEWAY_SECRET_ENV
from gateway.config import JWT_SECRET_ENV, development_secret, load_settings

GATEWAY_PORT = 8000
HEALTH_PATH = "/api/v1/health"


def shared_secrets(var_dir: Path | str = "var") -> dict[str, str]:
    """Both secrets as environment variables: from the environment, else kept under ``var/``.

    Every city service, the province service and the gateway must get the same
    ``ZHAOSHANG_GATEWAY_SECRET``; then the services refuse calls that bypass the gateway.
    """
    var = Path(var_dir)
    return {
        GATEWAY_SECRET_ENV: os.environ.get(GATEWAY_SECRET_ENV)
        or development_secret(var / "gateway-signing.secret", GATEWAY_SECRET_ENV),
        JWT_SECRET_ENV: os.environ.get(JWT_SECRET_ENV)
        or development_secret(var / "gateway-jwt.secret"),
    }


def suite_config(var_dir: Path | str, cities: dict[str, tuple[str, str | list[str]]],
                 province_url: str | None = None) -> Path:
    """Write ``<var>/gateway.toml`` for these services (code → (name, url, or its replicas'
    urls)); return its path.

    Everything else keeps the defaults of ``gateway/config.toml``.
    """
    var = Path(var_dir).resolve()

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string

    database = f"sqlite:///{var / 'gateway.db'}"
    lines = ["# Written by make up (gateway/suite.py).", "[gateway]",
             f"database_url = {quoted(database)}"]
    if province_url:
        lines += ["", "[province]", f"url = {quoted(province_url)}"]
    for code, (name, url) in cities.items():
        address = f"url = {quoted(url)}" if isinstance(url, str) else \
            f"urls = [{', '.join(quoted(one) for one in url)}]"
        lines += ["", "[[cities]]", f"code = {quoted(code)}", f"name = {quoted(name)}", address]
    path = var / "gateway.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def demo_logins(config: Path | str | None = None) -> str | None:
    """Create the demo users (``gateway.demo``); their table when just created, else ``None``."""
    from core.db import make_engine, make_session_factory
    from gateway.demo import demo_table, ensure_demo_users
    from gateway.store import upgrade

    settings = load_settings(config)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    created = ensure_demo_users(make_session_factory(engine), settings)
    engine.dispose()
    return demo_table(created) if created else None


def gateway_command(config: Path | str | None = None, port: int = GATEWAY_PORT,
                    host: str = "127.0.0.1") -> list[str]:
    """The command line that serves the gateway (default configuration: ports 8100–8105)."""
    command = [sys.executable, "-m", "core.cli", "gateway", "serve", "--host", host,
               "--port", str(port)]
    if config:
        command += ["--config", str(config)]
    return command
