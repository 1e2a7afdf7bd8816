"""Accounts: disabling, deleting or changing a user ends their tokens at once; sign-in is limited
per account (from any address) and per address (high enough for an office behind one NAT); the
web interface answers a limit with a page in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.db import unit_of_work
from gateway import tokens
from gateway.store import AuditEntry, User
from gateway.users import change_user, delete_user, set_active
from tests.gateway.harness import JWT_SECRET, PASSWORD, make_gateway, sign_in
from tests.support.toml import toml_text

LEADS = "/api/v1/cities/lanzhou/leads"


def sessions(app):
    return app.extensions["zhaoshang_gateway"].sessions


def change(app, action, *args, **kwargs):
    with unit_of_work(sessions(app)) as session:
        return action(session, *args, **kwargs)


def refused_code(answer) -> tuple[int, str]:
    return answer.status_code, answer.json["code"]


@pytest.fixture
def gateway_app(echo, tmp_path):
    return make_gateway(echo, tmp_path)


def test_disabling_a_user_ends_their_tokens_at_once(gateway_app):
    client = gateway_app.test_client()
    token = sign_in(client, "lanzhou-clerk")
    assert client.get(LEADS, headers=token).status_code == 200
    change(gateway_app, set_active, "lanzhou-clerk", False)
    refused = client.get(LEADS, headers=token)
    assert refused_code(refused) == (401, "token_revoked")
    # Nor can they sign in again.
    again = client.post("/api/v1/auth/token",
                        json={"username": "lanzhou-clerk", "password": PASSWORD})
    assert refused_code(again) == (401, "invalid_credentials")
    # Enabled again, the old token stays dead; a new sign-in works.
    change(gateway_app, set_active, "lanzhou-clerk", True)
    assert refused_code(client.get(LEADS, headers=token)) == (401, "token_revoked")
    assert client.get(LEADS, headers=sign_in(client, "lanzhou-clerk")).status_code == 200
    # The refusal is audited under the name the token carried.
    with sessions(gateway_app)() as session:
        reasons = session.scalars(select(AuditEntry.username).where(
            AuditEntry.reason == "token_revoked")).all()
    assert reasons == ["lanzhou-clerk", "lanzhou-clerk"]


@pytest.mark.parametrize("changes", [{"role": "officer"}, {"unit": "west"},
                                     {"city": "ziyang"}], ids=["role", "unit", "city"])
def test_changing_a_users_role_unit_or_city_ends_their_tokens(gateway_app, changes):
    client = gateway_app.test_client()
    token = sign_in(client, "lanzhou-clerk")
    assert client.get(LEADS, headers=token).status_code == 200
    user = change(gateway_app, change_user, "lanzhou-clerk", **changes)
    assert user.auth_version == 2
    assert refused_code(client.get(LEADS, headers=token)) == (401, "token_revoked")
    fresh = sign_in(client, "lanzhou-clerk")
    city = changes.get("city", "lanzhou")
    assert client.get(f"/api/v1/cities/{city}/leads", headers=fresh).status_code == 200
    # A name change vouches for nothing the token carries: the token lives on.
    change(gateway_app, change_user, "lanzhou-clerk", display_name="新名字")
    assert client.get(f"/api/v1/cities/{city}/leads", headers=fresh).status_code == 200


def test_deleting_a_user_ends_their_tokens(gateway_app):
    client = gateway_app.test_client()
    token = sign_in(client, "lanzhou-officer")
    change(gateway_app, delete_user, "lanzhou-officer")
    assert refused_code(client.get(LEADS, headers=token)) == (401, "token_revoked")


def test_a_token_without_an_account_version_is_refused(gateway_app):
    client = gateway_app.test_client()
    legacy, _ = tokens.issue_token(JWT_SECRET, user="lanzhou-clerk", role="clerk",
                                   city="lanzhou", unit="east", name="x",
                                   lifetime=dt.timedelta(minutes=5))
    # issue_token's default version matches no account.
    answer = client.get(LEADS, headers={"Authorization": f"Bearer {legacy}"})
    assert refused_code(answer) == (401, "token_revoked")


def test_the_web_session_of_a_disabled_user_ends_at_once(gateway_app):
    browser = gateway_app.test_client()
    signed_in = browser.post("/web/login", data={"username": "lanzhou-clerk",
                                                 "password": PASSWORD})
    assert signed_in.status_code == 303
    assert browser.get("/web/c/lanzhou/leads").status_code == 200
    change(gateway_app, set_active, "lanzhou-clerk", False)
    page = browser.get("/web/c/lanzhou/leads")
    assert page.status_code == 303 and "/web/login" in page.headers["Location"]
    assert "账号已停用" in browser.get(page.headers["Location"]).get_data(as_text=True)


def test_the_cli_changes_disables_and_deletes_users(tmp_path):
    from core.cli import main
    from core.db import make_engine, make_session_factory

    url = f"sqlite:///{tmp_path / 'gw.db'}"
    config = tmp_path / "gateway.toml"
    config.write_text(toml_text({
        "gateway": {"database_url": url}, "secrets": {"jwt": "j" * 32},
        "cities": [{"code": "lanzhou", "name": "兰州市", "url": "http://127.0.0.1:1"}]}),
        encoding="utf-8")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["users", *args, "--config", str(config)])
        assert result.exit_code == 0, result.output
        return result.output

    def user() -> User | None:
        with make_session_factory(make_engine(url))() as session:
            return session.scalar(select(User).where(User.username == "c1"))

    run("create", "--username", "c1", "--role", "clerk", "--city", "lanzhou", "--unit", "east",
        "--password", "long-enough")
    assert user().auth_version == 1
    run("update", "c1", "--unit", "west")
    assert (user().unit, user().auth_version) == ("west", 2)
    run("update", "c1", "--role", "officer")
    assert (user().role, user().unit, user().auth_version) == ("officer", None, 3)
    assert "existing tokens no longer work" in run("disable", "c1")
    assert (user().active, user().auth_version) == (False, 4)
    run("enable", "c1")
    assert user().active
    bad = runner.invoke(main, ["users", "update", "c1", "--role", "clerk", "--config",
                               str(config)])
    assert bad.exit_code != 0 and "经办人必须指定本单位编码" in bad.output
    run("delete", "c1")
    assert user() is None


# -- sign-in limits ---------------------------------------------------------------------------


def attempt(client, username: str, password: str, address: str) -> int:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_overrides={"REMOTE_ADDR": address}).status_code


def test_guessing_one_account_is_limited_from_any_number_of_addresses(echo, tmp_path):
    app = make_gateway(echo, tmp_path, limits={"login_account": "3/minute"})
    client = app.test_client()
    statuses = [attempt(client, "lanzhou-clerk", "guess-guess", f"10.0.0.{n}")
                for n in range(1, 5)]
    assert statuses == [401, 401, 401, 429]
    # Over the limit even the right password waits: guessing gains nothing.
    locked = client.post("/api/v1/auth/token",
                         json={"username": "lanzhou-clerk", "password": PASSWORD},
                         environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert refused_code(locked) == (429, "rate_limited")
    assert locked.headers["Retry-After"] == "60"
    # Every other account signs in, from the same addresses.
    assert attempt(client, "lanzhou-officer", PASSWORD, "10.0.0.1") == 200


def test_one_noisy_client_does_not_lock_its_office_out(echo, tmp_path):
    # An office behind one address: a colleague keeps guessing one account, another works.
    app = make_gateway(echo, tmp_path, limits={"login_account": "5/minute",
                                               "per_address": "20/minute"})
    client = app.test_client()
    office = "203.0.113.7"
    guesses = [attempt(client, "lanzhou-clerk", f"guess-{n}", office) for n in range(25)]
    assert guesses[:5] == [401] * 5 and set(guesses[5:]) == {429}
    assert attempt(client, "lanzhou-officer", PASSWORD, office) == 200
    # A signed-in client making many requests spends its own allowance, not the address's.
    noisy = sign_in(client, "lanzhou-leader", environ_overrides={"REMOTE_ADDR": office})
    for _ in range(30):
        assert client.get(LEADS, headers=noisy,
                          environ_overrides={"REMOTE_ADDR": office}).status_code == 200
    colleague = sign_in(client, "ziyang-officer", environ_overrides={"REMOTE_ADDR": office})
    assert client.get("/api/v1/cities/ziyang/leads", headers=colleague,
                      environ_overrides={"REMOTE_ADDR": office}).status_code == 200


def test_sign_in_attempts_per_address_are_still_limited(echo, tmp_path):
    app = make_gateway(echo, tmp_path, limits={"login": "4/minute"})
    client = app.test_client()
    statuses = [attempt(client, name, "wrong-password", "198.51.100.1")
                for name in ("a1", "a2", "a3", "a4", "a5")]
    assert statuses == [401, 401, 401, 401, 429]
    assert attempt(client, "lanzhou-clerk", PASSWORD, "198.51.100.2") == 200


def test_the_web_shows_a_chinese_page_when_over_a_limit(echo, tmp_path):
    app = make_gateway(echo, tmp_path, limits={"login_account": "2/minute",
                                               "per_user": "3/minute"})
    browser = app.test_client()
    for _ in range(2):
        wrong = browser.post("/web/login", data={"username": "lanzhou-clerk",
                                                 "password": "wrong-password"})
        assert wrong.status_code == 401 and wrong.mimetype == "text/html"
    locked = browser.post("/web/login", data={"username": "lanzhou-clerk",
                                              "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.mimetype == "text/html"
    assert "登录失败次数过多" in locked.get_data(as_text=True)

    assert browser.post("/web/login", data={"username": "lanzhou-officer",
                                            "password": PASSWORD}).status_code == 303
    statuses = [browser.get("/web/c/lanzhou/leads").status_code for _ in range(4)]
    assert statuses[-1] == 429
    page = browser.get("/web/c/lanzhou/leads")
    assert page.status_code == 429 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "请求过于频繁" in text and "秒后重试" in text
    assert "Retry-After" in page.headers
