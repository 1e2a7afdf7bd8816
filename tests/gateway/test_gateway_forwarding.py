"""What the gateway sends on and hands back, against a service that echoes what it received."""

from __future__ import annotations

from core.identity import Actor, forwarded_actor
from tests.gateway.harness import GATEWAY_SECRET, make_gateway, sign_in


def test_the_service_gets_a_signed_identity_the_request_id_and_the_request(echo, tmp_path):
    client = make_gateway(echo, tmp_path).test_client()
    headers = sign_in(client, "lanzhou-clerk") | {
        "X-Request-Id": "rid-42", "X-Zhaoshang-Role": "admin", "X-Zhaoshang-Unit": "west",
        "Cookie": "session=abc"}
    answer = client.post("/api/v1/cities/lanzhou/leads?dry=1", headers=headers,
                         json={"title": "标题"})
    assert answer.status_code == 200
    seen = answer.json
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/api/v1/leads", "dry=1")
    assert seen["body"] == '{"title": "标题"}'
    received = seen["headers"]
    # The client's own identity headers were replaced by the signed ones from its token.
    actor = forwarded_actor(received, "POST", "/api/v1/leads", secret=GATEWAY_SECRET,
                            service_city="lanzhou", query=seen["query"],
                            body=seen["body"].encode())
    assert actor == Actor("lanzhou-clerk", "clerk", unit="east", city="lanzhou")
    assert received["X-Request-Id"] == "rid-42"
    assert "Authorization" not in received and "Cookie" not in received
    assert answer.headers["X-Request-Id"] == "rid-42"
    assert answer.headers["X-Echo"] == "1"


def test_every_answer_carries_the_security_headers_and_a_request_id(echo, tmp_path):
    client = make_gateway(echo, tmp_path, gateway={
        "database_url": f"sqlite:///{tmp_path / 'gw.db'}", "hsts": True}).test_client()
    for answer in (client.get("/api/v1/health"), client.get("/api/v1/cities/lanzhou/x"),
                   client.get("/api/v1/cities/lanzhou/x", headers={"X-Request-Id": "bad id!"})):
        assert answer.headers["Content-Security-Policy"] == "default-src 'self'"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
        assert len(answer.headers["X-Request-Id"]) == 32  # generated: absent or unusable


def test_reads_are_retried_once_and_writes_never(echo, tmp_path):
    client = make_gateway(echo, tmp_path, upstream={"read_timeout": 1.0,
                                                    "read_retries": 1}).test_client()
    headers = sign_in(client, "lanzhou-officer")
    echo.calls.clear()
    read = client.get("/api/v1/cities/lanzhou/slow", headers=headers)
    assert read.status_code == 200
    assert echo.calls["slow"] == 2
    echo.calls.clear()
    write = client.post("/api/v1/cities/lanzhou/slow", headers=headers, json={})
    assert write.status_code == 502
    assert write.json["code"] == "city_unavailable"
    assert "结果未知" in write.json["detail"]
    assert echo.calls["slow"] == 1
    echo.release.set()


def test_an_oversized_request_is_refused_and_audited(echo, tmp_path):
    app = make_gateway(echo, tmp_path, gateway={
        "database_url": f"sqlite:///{tmp_path / 'gw.db'}", "max_content_length": 4096})
    client = app.test_client()
    headers = sign_in(client, "lanzhou-officer")
    echo.calls.clear()
    answer = client.post("/api/v1/cities/lanzhou/leads", headers=headers,
                         json={"description": "长" * 5000})
    assert answer.status_code == 413
    assert answer.mimetype == "application/problem+json"
    assert echo.calls == {}
    entries = client.get("/api/v1/audit", headers=sign_in(client, "admin"),
                         query_string={"status": 413}).json["items"]
    assert [(e["username"], e["outcome"]) for e in entries] == [("lanzhou-officer", "refused")]


def refusals_of(app, status: int) -> list[tuple[str | None, str | None]]:
    from sqlalchemy import select

    from gateway.store import AuditEntry

    with app.extensions["zhaoshang_gateway"].sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.status == status)).all()
        return [(entry.username, entry.reason) for entry in entries]


def test_a_user_beyond_their_limit_is_refused_and_others_are_not(echo, tmp_path):
    app = make_gateway(echo, tmp_path, limits={"per_user": "3/minute"})
    client = app.test_client()
    clerk, officer = sign_in(client, "lanzhou-clerk"), sign_in(client, "lanzhou-officer")
    statuses = [client.get("/api/v1/cities/lanzhou/leads", headers=clerk).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/cities/lanzhou/leads", headers=officer).status_code == 200
    assert refusals_of(app, 429) == [("lanzhou-clerk", "rate_limited")]


def test_an_address_beyond_its_limit_is_refused(echo, tmp_path):
    app = make_gateway(echo, tmp_path, limits={"per_address": "5/minute"})
    client = app.test_client()
    statuses = [client.get("/api/v1/health").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = client.get("/api/v1/cities/lanzhou/leads")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "rate_limited"
    assert refusals_of(app, 429) == [(None, "rate_limited")] * 2


def test_sign_in_attempts_have_their_own_stricter_limit(echo, tmp_path):
    app = make_gateway(echo, tmp_path, limits={"login": "2/minute"})
    client = app.test_client()
    wrong = {"username": "lanzhou-clerk", "password": "guess-guess"}
    statuses = [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    # Other routes are not counted against sign-in.
    assert client.get("/api/v1/health").status_code == 200
    assert refusals_of(app, 429) == [("lanzhou-clerk", "rate_limited")]
