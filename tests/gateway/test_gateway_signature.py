"""A city service that knows the gateway secret refuses identities the gateway did not sign:
the signature covers the method, the path, the query string and the body, is good for one
request only (its nonce) and for a short time, and never from the future."""

from __future__ import annotations

import threading

import pytest

from core.identity import (
    FUTURE_SKEW,
    Actor,
    NonceStore,
    forwarded_actor,
    signed_identity_headers,
)
from core.problems import Problem

SECRET = "test-gateway-secret"
CLERK = Actor(user="lanzhou-clerk", role="clerk", unit="east", city="testcity")
BODY = b'{"title": "\xe6\xa0\x87\xe9\xa2\x98"}'


def signed(actor: Actor = CLERK, method: str = "GET", path: str = "/api/v1/leads",
           now: float = 1_000_000, **kwargs) -> dict[str, str]:
    return signed_identity_headers(SECRET, actor, method, path, now=now, **kwargs)


def check(headers: dict[str, str], method: str = "GET", path: str = "/api/v1/leads",
          now: float = 1_000_000, nonces: NonceStore | None = None, **kwargs) -> Actor:
    return forwarded_actor(headers, method, path, secret=SECRET, service_city="testcity",
                           now=now, nonces=nonces if nonces is not None else NonceStore(),
                           **kwargs)


def refusal(headers: dict[str, str], **kwargs) -> tuple[int, str]:
    with pytest.raises(Problem) as caught:
        check(headers, **kwargs)
    return caught.value.status, caught.value.code


def test_a_fresh_signature_yields_the_forwarded_actor():
    headers = signed(method="POST", query="page=2&q=%E4%B8%AD", body=BODY)
    assert len(headers["X-Zhaoshang-Nonce"]) >= 16
    assert check(headers, method="POST", query=b"page=2&q=%E4%B8%AD", body=BODY,
                 now=1_000_030) == CLERK


def test_unsigned_stale_and_altered_identities_are_refused():
    headers = signed()
    unsigned = {k: v for k, v in headers.items() if "Signature" not in k}
    assert refusal(unsigned) == (401, "unsigned_request")
    without_nonce = {k: v for k, v in headers.items() if "Nonce" not in k}
    assert refusal(without_nonce) == (401, "unsigned_request")
    assert refusal(headers, now=1_000_061) == (401, "stale_signature")
    assert refusal(headers | {"X-Zhaoshang-Role": "officer"}) == (401, "bad_signature")
    assert refusal(headers | {"X-Zhaoshang-Unit": "west"}) == (401, "bad_signature")
    assert refusal(headers | {"X-Zhaoshang-Nonce": "another-nonce-of-16-chars"}) == (
        401, "bad_signature")
    other_secret = signed_identity_headers("another", CLERK, "GET", "/api/v1/leads",
                                           now=1_000_000)
    assert refusal(other_secret) == (401, "bad_signature")


def test_the_signature_covers_the_method_path_query_and_body():
    headers = signed(method="POST", path="/api/v1/leads", query="dry=1", body=BODY)
    as_sent = {"method": "POST", "path": "/api/v1/leads", "query": b"dry=1", "body": BODY}
    for changed in ({"method": "PUT"}, {"path": "/api/v1/projects"}, {"query": b"dry=0"},
                    {"query": b""}, {"body": b'{"title": "another"}'}, {"body": None}):
        assert refusal(headers, **(as_sent | changed)) == (401, "bad_signature"), changed
    assert check(headers, **as_sent) == CLERK


def test_a_captured_signature_cannot_be_replayed():
    nonces = NonceStore()
    headers = signed(method="POST", body=BODY)
    assert check(headers, method="POST", body=BODY, nonces=nonces) == CLERK
    # Replayed as it was, a second later: refused.
    assert refusal(headers, method="POST", body=BODY, nonces=nonces, now=1_000_001) == (
        401, "replayed_signature")
    # Replayed with another body: the digest no longer matches.
    assert refusal(headers, method="POST", body=b'{"title": "x"}', nonces=nonces) == (
        401, "bad_signature")
    # A new request (a new nonce) from the same user passes.
    assert check(signed(method="POST", body=BODY), method="POST", body=BODY,
                 nonces=nonces) == CLERK


def test_a_signature_from_the_future_is_refused():
    ahead = signed(now=1_000_000 + FUTURE_SKEW + 1)
    assert refusal(ahead) == (401, "future_signature")
    # A clock a little ahead (within the skew) is tolerated.
    assert check(signed(now=1_000_000 + FUTURE_SKEW)) == CLERK
    far_ahead = signed(now=1_000_000 + 3600)
    assert refusal(far_ahead) == (401, "future_signature")


def test_nonces_are_remembered_for_their_lifetime_and_the_store_stays_bounded():
    store = NonceStore(capacity=3)
    assert store.first_use("a" * 16, 100, 161, now=100)
    assert not store.first_use("a" * 16, 100, 161, now=120)
    # Expired nonces are forgotten (their signature would be stale anyway).
    assert store.first_use("b" * 16, 200, 261, now=200)
    assert len(store) == 1
    for name in "cde":
        assert store.first_use(name * 16, 201, 262, now=201)
    # Full: the oldest was forgotten, and so every signature as old as it is now refused —
    # a forgotten nonce can never pass again.
    assert len(store) == 3
    assert not store.first_use("b" * 16, 200, 261, now=201)
    assert not store.first_use("f" * 16, 200, 261, now=201)
    assert store.first_use("g" * 16, 202, 263, now=202)


def test_one_nonce_passes_once_however_many_threads_race_with_it():
    store = NonceStore()
    headers = signed()
    results: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            check(headers, nonces=store)
            outcome = True
        except Problem:
            outcome = False
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 15 + [True]


def test_signed_identities_of_another_city_or_without_a_unit_are_forbidden():
    ziyang_officer = Actor(user="z", role="officer", city="ziyang")
    assert refusal(signed(ziyang_officer)) == (403, "forbidden_city")
    assert refusal(signed(Actor(user="c", role="clerk", city="testcity"))) == (
        403, "forbidden_unit")
    province = Actor(user="p", role="province")
    assert check(signed(province)) == province
    assert refusal(signed(province, "POST"), method="POST") == (403, "forbidden_role")


def test_without_a_secret_the_plain_headers_are_trusted():
    headers = {"X-Zhaoshang-User": "u", "X-Zhaoshang-Role": "clerk", "X-Zhaoshang-Unit": "east"}
    actor = forwarded_actor(headers, "POST", "/api/v1/leads", secret=None)
    assert actor == Actor(user="u", role="clerk", unit="east")


def test_the_city_service_refuses_direct_replayed_and_future_calls(tmp_path):
    from core.clock import utcnow
    from tests.support.cities import make_city, ready_app

    app = ready_app(make_city(gateway={"secret": SECRET}), f"sqlite:///{tmp_path / 'c.db'}")
    client = app.test_client()
    direct = client.get("/api/v1/city", headers={"X-Zhaoshang-User": "x",
                                                  "X-Zhaoshang-Role": "admin"})
    assert direct.status_code == 401
    assert direct.mimetype == "application/problem+json"
    assert direct.json["code"] == "unsigned_request"
    admin = Actor(user="a", role="admin")
    headers = signed_identity_headers(SECRET, admin, "GET", "/api/v1/city")
    through_gateway = client.get("/api/v1/city", headers=headers)
    assert through_gateway.status_code == 200
    assert "gateway" not in through_gateway.json["configuration"]
    replayed = client.get("/api/v1/city", headers=headers)
    assert (replayed.status_code, replayed.json["code"]) == (401, "replayed_signature")
    # The query string is signed: a signature for one page does not read another.
    paged = signed_identity_headers(SECRET, admin, "GET", "/api/v1/leads", query="page=1")
    assert client.get("/api/v1/leads?page=2", headers=paged).json["code"] == "bad_signature"
    paged = signed_identity_headers(SECRET, admin, "GET", "/api/v1/leads", query="page=1")
    assert client.get("/api/v1/leads?page=1", headers=paged).status_code == 200
    future = signed_identity_headers(SECRET, admin, "GET", "/api/v1/city",
                                     now=utcnow().timestamp() + 60)
    answer = client.get("/api/v1/city", headers=future)
    assert (answer.status_code, answer.json["code"]) == (401, "future_signature")
