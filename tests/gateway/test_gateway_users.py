"""Users: the CLI that creates them, their checks, and the demo logins of ``make up``."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from core.db import make_engine, make_session_factory
from gateway.store import User
from gateway.users import authenticate
from tests.support.toml import toml_text

CITIES = [{"code": "lanzhou", "name": "兰州市", "url": "http://127.0.0.1:8101"},
          {"code": "ziyang", "name": "资阳市", "url": "http://127.0.0.1:8102"}]


def gateway_file(tmp_path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    path = tmp_path / "gateway.toml"
    path.write_text(toml_text({"gateway": {"database_url": url}, "cities": CITIES,
                               "secrets": {"jwt": "j" * 32}}), encoding="utf-8")
    return str(path), url


def users_in(url: str) -> dict[str, User]:
    with make_session_factory(make_engine(url))() as session:
        return {user.username: user for user in session.scalars(sa.select(User))}


def test_the_cli_creates_a_user_with_a_hashed_password(tmp_path):
    from core.cli import main

    config, url = gateway_file(tmp_path)
    result = CliRunner().invoke(main, [
        "users", "create", "--config", config, "--username", "lanzhou-clerk", "--role", "clerk",
        "--city", "lanzhou", "--unit", "chengguan", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    user = users_in(url)["lanzhou-clerk"]
    assert (user.role, user.city, user.unit) == ("clerk", "lanzhou", "chengguan")
    assert user.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in user.password_hash
    with make_session_factory(make_engine(url))() as session:
        assert authenticate(session, "lanzhou-clerk", "s3cret-pass").username == "lanzhou-clerk"
        assert authenticate(session, "lanzhou-clerk", "wrong") is None


def test_the_cli_refuses_users_that_could_not_work(tmp_path):
    from core.cli import main

    config, url = gateway_file(tmp_path)
    runner = CliRunner()
    cases = {
        ("--role", "clerk", "--city", "lanzhou"): "经办人必须指定本单位编码",
        ("--role", "officer"): "必须指定城市",
        ("--role", "officer", "--city", "beijing"): "城市 beijing 不在网关配置中",
        ("--role", "province", "--city", "lanzhou"): "不能指定 --city",
    }
    for options, message in cases.items():
        result = runner.invoke(main, ["users", "create", "--config", config, "--username",
                                      "someone", "--password", "long-enough", *options])
        assert result.exit_code != 0 and message in result.output, (options, result.output)
    assert users_in(url) == {}


def test_demo_logins_cover_every_role_and_city_once(tmp_path):
    from gateway.suite import demo_logins

    config, url = gateway_file(tmp_path)
    table = demo_logins(config)
    assert table is not None and "zhaoshang-demo" in table
    users = users_in(url)
    assert sorted(users) == sorted([f"{city}-{role}" for city in ("lanzhou", "ziyang")
                                    for role in ("clerk", "officer", "leader")]
                                   + ["province", "admin"])
    clerk = users["ziyang-clerk"]
    assert (clerk.role, clerk.city) == ("clerk", "ziyang") and clerk.unit
    assert users["province"].city is None
    assert demo_logins(config) is None  # printed once: nothing new the second time


def test_the_gateway_no_longer_reads_role_path_patterns(tmp_path):
    import pytest

    from core.config import ConfigError
    from gateway.config import load_settings

    config = {"gateway": {"database_url": f"sqlite:///{tmp_path / 'gw.db'}"}, "cities": CITIES,
              "secrets": {"jwt": "j" * 32}, "roles": {"clerk_writes": ["leads"]}}
    with pytest.raises(ConfigError, match="permissions.md"):
        load_settings(config, tmp_path)
    settings = load_settings({key: value for key, value in config.items() if key != "roles"},
                             tmp_path)
    assert not hasattr(settings, "clerk_writes")
    assert settings.limits["login_account"] == "10/minute"
