"""Through the gateway over real HTTP: who may go where, what the cities refuse, and every
refusal audited. The gateway keeps city scope and the province's read-only rule; what a role
or a unit may do is the city's decision (``core.permissions``).

Each refused write is checked three ways: the status and problem code the caller
gets, the audit entry the gateway wrote, and the city's database (rows and outbox)
unchanged.
"""

from __future__ import annotations

import datetime as dt
import itertools

import jwt
import pytest

from core.clock import Clock, travel, utcnow
from core.problems import Problem
from gateway import tokens
from tests.gateway.harness import JWT_SECRET, PASSWORD

_numbers = itertools.count(1)
YEAR = {"from": "2024-01-01", "to": "2024-12-31"}


def lead_payload(unit: str = "east") -> dict:
    number = next(_numbers)
    return {"title": f"网关测试线索{number}", "reporting_unit": unit,
            "enterprise": {"name": f"网关测试企业{number}有限公司"}}


def project_payload(unit: str = "east") -> dict:
    number = next(_numbers)
    return {"name": f"网关测试项目{number}", "amount": "1200", "finding_unit": unit,
            "enterprise": {"name": f"网关项目企业{number}有限公司"}}


@pytest.fixture(scope="module")
def east_project(front) -> dict:
    """A Lanzhou project found by the east district (registered by a city officer)."""
    answer = front.call("lanzhou-officer", "POST", "/cities/lanzhou/projects",
                        json=project_payload("east"))
    assert answer.status_code == 201, answer.text
    return answer.json()


def assert_refused(front, answer, status: int, code: str, *, user: str | None) -> None:
    """The caller got the problem, and the audit log holds the refusal."""
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.json()["code"] == code
    [entry] = front.audit_of(answer)
    assert (entry["username"], entry["status"], entry["outcome"], entry["reason"]) == (
        user, status, "refused", code)
    assert entry["method"] == answer.request.method
    assert entry["path"] == answer.request.path_url.split("?")[0]
    assert entry["remote_addr"] == "127.0.0.1"


def test_without_a_token_nothing_is_served(front, cities):
    before = cities["lanzhou"].snapshot()
    answer = front.call(None, "GET", "/cities/lanzhou/leads")
    assert_refused(front, answer, 401, "token_missing", user=None)
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    written = front.call(None, "POST", "/cities/lanzhou/leads", json=lead_payload())
    assert_refused(front, written, 401, "token_missing", user=None)
    assert cities["lanzhou"].snapshot() == before


def test_an_expired_or_tampered_token_is_refused(front, cities):
    before = cities["lanzhou"].snapshot()
    expired, _ = tokens.issue_token(
        JWT_SECRET, user="lanzhou-officer", role="officer", city="lanzhou", unit=None,
        name="x", lifetime=dt.timedelta(minutes=5),
        now=utcnow() - dt.timedelta(hours=1))
    answer = front.call(None, "POST", "/cities/lanzhou/leads", token=expired, json=lead_payload())
    assert_refused(front, answer, 401, "token_expired", user=None)

    # A clerk's genuine token with the role changed to admin: the signature no longer matches.
    header, payload, signature = front.token("lanzhou-clerk").split(".")
    claims = jwt.decode(front.token("lanzhou-clerk"), options={"verify_signature": False})
    forged_payload = jwt.utils.base64url_encode(
        jwt.api_jws.json.dumps(claims | {"role": "admin"}).encode()).decode()
    tampered = f"{header}.{forged_payload}.{signature}"
    answer = front.call(None, "POST", "/cities/lanzhou/leads", token=tampered,
                        json=lead_payload())
    assert_refused(front, answer, 401, "token_invalid", user=None)

    other_key, _ = tokens.issue_token("another-secret-of-sufficient-length", user="admin",
                                      role="admin", city=None, unit=None, name="x",
                                      lifetime=dt.timedelta(minutes=5))
    answer = front.call(None, "GET", "/audit", token=other_key)
    assert_refused(front, answer, 401, "token_invalid", user=None)
    assert cities["lanzhou"].snapshot() == before


# Far from the host's own time either way: PyJWT alone, which compares with the host's time,
# would call the first token expired and the second not yet valid.
@pytest.mark.parametrize("at", ["2019-03-01T09:00:00+08:00", "2031-12-31T23:30:00+08:00"],
                         ids=["years_before", "years_after"])
def test_a_token_lives_by_the_gateway_s_clock_not_the_host_s(front, at):
    with travel(at) as moved:
        signed_in = front.http.post(f"{front.url}/api/v1/auth/token",
                                    json={"username": "admin", "password": PASSWORD}, timeout=10)
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]
        expires_at = dt.datetime.fromisoformat(signed_in.json()["expires_at"])
        lifetime = dt.timedelta(seconds=signed_in.json()["expires_in"])
        assert dt.timedelta(0) <= expires_at - lifetime - moved < dt.timedelta(minutes=1)
        assert front.call(None, "GET", "/audit", token=token).status_code == 200
    with travel(expires_at - dt.timedelta(seconds=30)):
        assert front.call(None, "GET", "/audit", token=token).status_code == 200
    with travel(expires_at + dt.timedelta(seconds=1)):
        expired = front.call(None, "GET", "/audit", token=token)
    # Checked back on the run's own day (the audit is read with a token of that day).
    assert_refused(front, expired, 401, "token_expired", user=None)


def test_expiry_is_judged_by_the_clock_it_is_given():
    issued_at = dt.datetime(2020, 2, 29, 15, 30, tzinfo=dt.UTC)  # 23:30 in Beijing
    token, expires = tokens.issue_token(JWT_SECRET, user="u", role="admin", city=None, unit=None,
                                        name="u", lifetime=dt.timedelta(minutes=60),
                                        now=issued_at)
    assert expires == issued_at + dt.timedelta(minutes=60)
    clock = Clock("Asia/Shanghai")
    with travel(issued_at + dt.timedelta(minutes=59)):
        claims = tokens.verify_token(JWT_SECRET, f"Bearer {token}", clock)
        assert (claims.user, claims.expires_at) == ("u", expires)
    for moved, code in [(dt.timedelta(minutes=60), "token_expired"),  # expired at exp itself
                        (dt.timedelta(days=3650), "token_expired"),
                        (dt.timedelta(minutes=-1), "token_invalid")]:  # issued in its future
        with travel(issued_at + moved), pytest.raises(Problem) as refused:
            tokens.verify_token(JWT_SECRET, f"Bearer {token}", clock)
        assert (refused.value.status, refused.value.code) == (401, code)


def test_the_web_pages_take_today_from_the_gateway_s_clock(front):
    # The run's day (conftest: 2026-06-16 in Beijing), not the host's, is the default period's end.
    today = front.app.extensions["zhaoshang_gateway"].settings.clock.today()
    browser = front.app.test_client()
    signed_in = browser.post("/web/login", data={"username": "admin", "password": PASSWORD})
    assert signed_in.status_code == 303
    page = browser.get("/web/c/lanzhou/dashboard").get_data(as_text=True)
    assert f'name="from" value="{today.year}-01-01"' in page
    assert f'name="to" value="{today.isoformat()}"' in page


def test_signing_in_gives_a_token_and_a_wrong_password_is_audited(front):
    good = front.http.post(f"{front.url}/api/v1/auth/token",
                           json={"username": "lanzhou-clerk", "password": "password-123"})
    assert good.status_code == 200
    body = good.json()
    assert body["token_type"] == "Bearer"
    assert body["user"] == {"username": "lanzhou-clerk", "role": "clerk", "city": "lanzhou",
                            "unit": "east", "display_name": "lanzhou-clerk"}
    # The token's times are the gateway's clock's, not the host's: decoded as the gateway does.
    claims = jwt.decode(body["access_token"], JWT_SECRET, algorithms=["HS256"],
                        issuer=tokens.ISSUER, options=tokens.DECODE_OPTIONS)
    assert {claims[k] for k in ("sub", "role", "city", "unit")} == {
        "lanzhou-clerk", "clerk", "lanzhou", "east"}
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    assert good.headers["Cache-Control"] == "no-store"

    bad = front.http.post(f"{front.url}/api/v1/auth/token",
                          json={"username": "lanzhou-clerk", "password": "wrong-password"})
    assert_refused(front, bad, 401, "invalid_credentials", user="lanzhou-clerk")
    unknown = front.http.post(f"{front.url}/api/v1/auth/token",
                              json={"username": "nobody", "password": "wrong-password"})
    assert_refused(front, unknown, 401, "invalid_credentials", user="nobody")


def test_a_lanzhou_clerk_cannot_write_ziyang_data(front, cities):
    before = cities["ziyang"].snapshot()
    answer = front.call("lanzhou-clerk", "POST", "/cities/ziyang/leads", json=lead_payload())
    assert_refused(front, answer, 403, "forbidden_city", user="lanzhou-clerk")
    assert "兰州市" in answer.json()["detail"]
    read = front.call("lanzhou-clerk", "GET", "/cities/ziyang/leads")
    assert_refused(front, read, 403, "forbidden_city", user="lanzhou-clerk")
    assert cities["ziyang"].snapshot() == before


def test_a_clerk_writes_their_own_units_leads_but_not_another_units_project(
        front, cities, east_project):
    lanzhou = cities["lanzhou"]
    before = lanzhou.snapshot()
    answer = front.call("lanzhou-clerk-west", "PATCH",
                        f"/cities/lanzhou/projects/{east_project['id']}",
                        json={"name": "被西县改过的名字"})
    # The gateway let it through (own city); the city service refused the other unit's project.
    assert_refused(front, answer, 403, "forbidden_unit", user="lanzhou-clerk-west")
    [entry] = front.audit_of(answer)
    assert entry["target"] == "lanzhou"
    lead_elsewhere = front.call("lanzhou-clerk-west", "POST", "/cities/lanzhou/leads",
                                json=lead_payload("east"))
    assert_refused(front, lead_elsewhere, 403, "forbidden_unit", user="lanzhou-clerk-west")
    assert lanzhou.snapshot() == before

    own = front.call("lanzhou-clerk", "PATCH", f"/cities/lanzhou/projects/{east_project['id']}",
                     json={"name": "东区改过的名字"})
    assert own.status_code == 200, own.text
    assert own.json()["name"] == "东区改过的名字"
    [entry] = front.audit_of(own)
    assert (entry["username"], entry["status"], entry["outcome"]) == ("lanzhou-clerk", 200, "done")
    assert lanzhou.snapshot()["outbox"] == before["outbox"] + 1


def test_the_city_not_the_gateway_refuses_a_clerk_deciding_a_matter(front, cities):
    before = cities["lanzhou"].snapshot()
    answer = front.call("lanzhou-clerk", "POST", "/cities/lanzhou/matters/1/decision", json={})
    assert_refused(front, answer, 403, "forbidden_role", user="lanzhou-clerk")
    # The gateway has no path patterns any more: it forwarded the request, the city refused it
    # from the operation's declaration.
    [entry] = front.audit_of(answer)
    assert entry["service_path"] == "/api/v1/matters/1/decision"
    assert answer.json()["permission"] == "decider"
    assert cities["lanzhou"].snapshot() == before


def test_a_province_user_reads_every_city_and_writes_nothing(front, cities, east_project):
    before = {code: city.snapshot() for code, city in cities.items()}
    for code in ("lanzhou", "ziyang"):
        assert front.call("province", "GET", f"/cities/{code}/leads").status_code == 200
    assert front.call("province", "GET", "/province/cities", params=YEAR).status_code == 200
    attempts = [
        ("POST", "/cities/lanzhou/leads", lead_payload()),
        ("PATCH", f"/cities/lanzhou/projects/{east_project['id']}", {"name": "省里改的"}),
        ("POST", "/cities/ziyang/projects", project_payload()),
        ("POST", "/province/anything", {}),
        ("DELETE", "/cities/lanzhou/leads/1", None),
    ]
    for method, path, body in attempts:
        answer = front.call("province", method, path, json=body)
        assert_refused(front, answer, 403, "read_only", user="province")
    assert {code: city.snapshot() for code, city in cities.items()} == before


def test_a_leader_reads_and_decides_but_does_not_report(front, cities):
    before = cities["lanzhou"].snapshot()
    report = front.call("lanzhou-leader", "POST", "/cities/lanzhou/leads", json=lead_payload())
    assert_refused(front, report, 403, "forbidden_role", user="lanzhou-leader")
    assert front.audit_of(report)[0]["service_path"] == "/api/v1/leads"  # the city's refusal
    assert front.call("lanzhou-leader", "GET", "/cities/lanzhou/projects").status_code == 200
    # A decision is forwarded to the city (which knows no such matter): not the gateway's 403.
    decision = front.call("lanzhou-leader", "POST", "/cities/lanzhou/matters/999999/decision",
                          json={})
    assert decision.status_code != 403
    [entry] = front.audit_of(decision)
    assert (entry["username"], entry["target"]) == ("lanzhou-leader", "lanzhou")
    assert cities["lanzhou"].snapshot() == before


def test_an_officer_writes_their_city_and_the_write_is_audited(front, cities):
    before = cities["lanzhou"].snapshot()
    answer = front.call("lanzhou-officer", "POST", "/cities/lanzhou/leads",
                        json=lead_payload("west"))
    assert answer.status_code == 201, answer.text
    # The service acted as the signed-in user the gateway forwarded.
    assert cities["lanzhou"].query("SELECT reported_by FROM leads WHERE id = ?",
                                   answer.json()["id"]) == [("lanzhou-officer",)]
    [entry] = front.audit_of(answer)
    assert (entry["username"], entry["role"], entry["city"], entry["target"], entry["outcome"]) \
        == ("lanzhou-officer", "officer", "lanzhou", "lanzhou", "done")
    after = cities["lanzhou"].snapshot()
    assert (after["leads"], after["outbox"]) == (before["leads"] + 1, before["outbox"] + 1)
    elsewhere = front.call("lanzhou-officer", "POST", "/cities/ziyang/leads", json=lead_payload())
    assert_refused(front, elsewhere, 403, "forbidden_city", user="lanzhou-officer")


def test_province_views_are_for_province_users(front):
    answer = front.call("lanzhou-officer", "GET", "/province/cities", params=YEAR)
    assert_refused(front, answer, 403, "forbidden_role", user="lanzhou-officer")
    assert front.call("admin", "GET", "/province/cities", params=YEAR).status_code == 200


def test_only_an_admin_reads_the_audit_log(front):
    answer = front.call("lanzhou-officer", "GET", "/audit")
    assert_refused(front, answer, 403, "forbidden_role", user="lanzhou-officer")
    page = front.call("admin", "GET", "/audit", params={"outcome": "refused", "per_page": 5})
    assert page.status_code == 200
    assert page.json()["items"] and all(e["outcome"] == "refused" for e in page.json()["items"])


def test_a_city_service_refuses_a_call_that_bypasses_the_gateway(cities):
    from core.identity import Actor

    lanzhou = cities["lanzhou"]
    before = lanzhou.snapshot()
    spoofed = {"X-Zhaoshang-User": "intruder", "X-Zhaoshang-Role": "admin"}
    answer = lanzhou.direct("POST", "/api/v1/leads", headers=spoofed, json=lead_payload())
    assert answer.status_code == 401
    assert answer.json()["code"] == "unsigned_request"
    # Signed for a read, replayed as a write: the signature covers the method.
    actor = Actor("intruder", "officer", city="lanzhou")
    signed = lanzhou.direct("GET", "/api/v1/leads", actor).request.headers
    replay = lanzhou.direct("POST", "/api/v1/leads", headers=dict(signed), json=lead_payload())
    assert replay.status_code == 401
    assert replay.json()["code"] == "bad_signature"
    assert lanzhou.snapshot() == before


def test_a_clerk_does_their_units_duty_beyond_leads_and_projects(front, cities, east_project):
    """The old path patterns let clerks write only ``leads`` and ``projects``; raising a matter
    for their own unit's project is a clerk's duty, and the city now decides it."""
    answer = front.call("lanzhou-clerk", "POST", "/cities/lanzhou/matters", json={
        "project_id": east_project["id"], "kind": "land", "title": "用地协调",
        "request": "请协调项目用地指标"})
    assert answer.status_code == 201, answer.text
    [entry] = front.audit_of(answer)
    assert (entry["outcome"], entry["record"]) == ("done", f"matters/{answer.json()['id']}")
    # Another unit's clerk is refused by the city, naming the units.
    other = front.call("lanzhou-clerk-west", "POST", "/cities/lanzhou/matters", json={
        "project_id": east_project["id"], "kind": "land", "title": "用地协调",
        "request": "请协调项目用地指标"})
    assert_refused(front, other, 403, "forbidden_unit", user="lanzhou-clerk-west")
