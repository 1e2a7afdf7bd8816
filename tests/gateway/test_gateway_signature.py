"""A city service that knows the gateway secret refuses identities the gateway did not sign."""

from __future__ import annotations

import pytest

from core.identity import Actor, forwarded_actor, signed_identity_headers
from core.problems import Problem

SECRET = "test-gateway-secret"
CLERK = Actor(user="lanzhou-clerk", role="clerk", unit="east", city="testcity")


def check(headers: dict[str, str], method: str = "GET", path: str = "/api/v1/leads",
          now: float = 1_000_000, **kwargs) -> Actor:
    return forwarded_actor(headers, method, path, secret=SECRET, service_city="testcity",
                           now=now, **kwargs)


def refusal(headers: dict[str, str], **kwargs) -> tuple[int, str]:
    with pytest.raises(Problem) as caught:
        check(headers, **kwargs)
    return caught.value.status, caught.value.code


def test_a_fresh_signature_yields_the_forwarded_actor():
    headers = signed_identity_headers(SECRET, CLERK, "GET", "/api/v1/leads", now=1_000_000)
    assert check(headers, now=1_000_030) == CLERK


def test_unsigned_stale_and_altered_identities_are_refused():
    signed = signed_identity_headers(SECRET, CLERK, "GET", "/api/v1/leads", now=1_000_000)
    unsigned = {k: v for k, v in signed.items() if "Signature" not in k}
    assert refusal(unsigned) == (401, "unsigned_request")
    assert refusal(signed, now=1_000_061) == (401, "stale_signature")
    assert refusal(signed | {"X-Zhaoshang-Role": "officer"}) == (401, "bad_signature")
    assert refusal(signed | {"X-Zhaoshang-Unit": "west"}) == (401, "bad_signature")
    # The signature covers the method and path: it cannot be replayed on a write.
    assert refusal(signed, method="POST") == (401, "bad_signature")
    assert refusal(signed, path="/api/v1/projects") == (401, "bad_signature")
    other_secret = signed_identity_headers("another", CLERK, "GET", "/api/v1/leads", now=1_000_000)
    assert refusal(other_secret) == (401, "bad_signature")


def test_signed_identities_of_another_city_or_without_a_unit_are_forbidden():
    def signed(actor: Actor, method: str = "GET") -> dict[str, str]:
        return signed_identity_headers(SECRET, actor, method, "/api/v1/leads", now=1_000_000)

    ziyang_officer = Actor(user="z", role="officer", city="ziyang")
    assert refusal(signed(ziyang_officer)) == (403, "forbidden_city")
    assert refusal(signed(Actor(user="c", role="clerk", city="testcity"))) == (403, "forbidden_unit")
    province = Actor(user="p", role="province")
    assert check(signed(province)) == province
    assert refusal(signed(province, "POST"), method="POST") == (403, "forbidden_role")


def test_without_a_secret_the_plain_headers_are_trusted():
    headers = {"X-Zhaoshang-User": "u", "X-Zhaoshang-Role": "clerk", "X-Zhaoshang-Unit": "east"}
    actor = forwarded_actor(headers, "POST", "/api/v1/leads", secret=None)
    assert actor == Actor(user="u", role="clerk", unit="east")


def test_the_city_service_refuses_a_direct_call_when_it_knows_the_secret(tmp_path):
    from tests.support.cities import make_city, ready_app

    app = ready_app(make_city(gateway={"secret": SECRET}), f"sqlite:///{tmp_path / 'c.db'}")
    client = app.test_client()
    direct = client.get("/api/v1/city", headers={"X-Zhaoshang-User": "x",
                                                  "X-Zhaoshang-Role": "admin"})
    assert direct.status_code == 401
    assert direct.mimetype == "application/problem+json"
    assert direct.json["code"] == "unsigned_request"
    headers = signed_identity_headers(SECRET, Actor(user="a", role="admin"), "GET", "/api/v1/city")
    through_gateway = client.get("/api/v1/city", headers=headers)
    assert through_gateway.status_code == 200
    assert "gateway" not in through_gateway.json["configuration"]
