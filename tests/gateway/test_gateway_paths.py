"""The gateway decides on the normalised path and forwards exactly that path: ``..``, ``%2e%2e``,
``%2f`` and ``//`` cannot carry a request into another city, and what the service receives is
what the gateway signed (path, query string and body)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.identity import Actor, forwarded_actor
from core.problems import Problem
from gateway.paths import BadPath, canonical_query, normalise_path
from gateway.store import AuditEntry
from tests.gateway.harness import GATEWAY_SECRET, make_gateway, sign_in

ESCAPES = ["/api/v1/cities/lanzhou/../ziyang/leads",
           "/api/v1/cities/lanzhou/%2e%2e/ziyang/leads",
           "/api/v1/cities/lanzhou/%2E%2E/ziyang/leads",
           "/api/v1/cities/lanzhou%2f..%2fziyang/leads",
           "/api/v1/cities/lanzhou/leads/../../ziyang/leads",
           "/api/v1/cities/lanzhou/..",
           "/api/v1/cities/../audit",
           "/api/v1/province/../cities/ziyang/leads",
           "/api/v1/cities/lanzhou/%252e%252e/ziyang/leads",  # decoded once: still an escape
           "/api/v1/cities/lanzhou/..%5c..%5cziyang/leads",
           "/web/c/lanzhou/../ziyang/leads"]


@pytest.mark.parametrize(("path", "normal"), [
    ("/api/v1/cities/lanzhou//leads", "/api/v1/cities/lanzhou/leads"),
    ("//api/v1//cities//lanzhou/leads", "/api/v1/cities/lanzhou/leads"),
    ("/api/v1/cities/lanzhou/./leads/../projects/3", "/api/v1/cities/lanzhou/projects/3"),
    ("/api/v1/health/../cities/ziyang/leads", "/api/v1/cities/ziyang/leads"),
    ("/web/", "/web/"),
    ("/", "/"),
])
def test_paths_are_normalised(path, normal):
    assert normalise_path(path) == normal
    assert normalise_path(normal) == normal


@pytest.mark.parametrize("path", [
    "/api/v1/cities/lanzhou/../ziyang/leads", "/api/v1/cities/../audit", "/../etc/passwd",
    "/api/v1/cities/lanzhou/%2e%2e/x", "/api/v1/cities/lanzhou/a%2Fb", "/a\\b"])
def test_paths_that_leave_their_city_or_smuggle_a_separator_are_refused(path):
    with pytest.raises(BadPath):
        normalise_path(path)


def test_the_query_string_is_made_canonical_once():
    assert canonical_query(b"a=1&b=%41%2f%e4%b8%ad") == "a=1&b=A%2F%E4%B8%AD"
    assert canonical_query(b"q=\xe4\xb8\xad+x&y=%zz&z=a b#c") == "q=%E4%B8%AD+x&y=%25zz&z=a%20b%23c"
    for query in (b"a=1&b=%41%2f%e4%b8%ad", b"q=\xe4\xb8\xad+x&y=%zz"):
        once = canonical_query(query)
        assert canonical_query(once) == once


@pytest.mark.parametrize("path", ESCAPES)
def test_a_path_escaping_its_city_is_refused_before_anything_is_forwarded(echo, tmp_path, path):
    app = make_gateway(echo, tmp_path)
    client = app.test_client()
    headers = sign_in(client, "lanzhou-clerk")
    echo.calls.clear()
    answer = client.get(path, headers=headers)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert answer.json["code"] == "bad_path"
    assert echo.calls == {}
    with app.extensions["zhaoshang_gateway"].sessions() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.status == 400)).all()
    assert (entry.username, entry.reason, entry.outcome) == ("lanzhou-clerk", "bad_path",
                                                             "refused")


def test_the_normalised_path_is_decided_on_and_forwarded(echo, tmp_path):
    client = make_gateway(echo, tmp_path).test_client()
    clerk = sign_in(client, "lanzhou-clerk")
    for path, received in [("/api/v1/cities/lanzhou//leads", "/api/v1/leads"),
                           ("/api/v1/cities/lanzhou/leads/../projects", "/api/v1/projects"),
                           ("/api/v1/cities/lanzhou/./leads", "/api/v1/leads")]:
        answer = client.get(path, headers=clerk)
        assert answer.status_code == 200, (path, answer.json)
        assert answer.json["path"] == received
    # Scope is decided on the normalised path: a clerk of Lanzhou does not reach Ziyang
    # through empty segments.
    for path in ("/api/v1/cities//ziyang/leads", "/api//v1/cities/ziyang//leads",
                 "/api/v1/health/../cities/ziyang/leads"):
        answer = client.get(path, headers=clerk)
        assert (answer.status_code, answer.json["code"]) == (403, "forbidden_city"), path


def test_what_the_service_receives_is_exactly_what_was_signed(echo, tmp_path):
    client = make_gateway(echo, tmp_path).test_client()
    headers = sign_in(client, "lanzhou-clerk")
    answer = client.post("/api/v1/cities/lanzhou/leads/../leads?q=%41%e4%b8%ad&x=a+b&y=%zz",
                         headers=headers, data='{"title": "标题"}'.encode(),
                         content_type="application/json")
    seen = answer.json
    assert seen["path"] == "/api/v1/leads"
    assert seen["query"] == "q=A%E4%B8%AD&x=a+b&y=%25zz"
    actor = forwarded_actor(seen["headers"], "POST", seen["path"], secret=GATEWAY_SECRET,
                            service_city="lanzhou", query=seen["query"],
                            body=seen["body"].encode())
    assert actor == Actor("lanzhou-clerk", "clerk", unit="east", city="lanzhou")


def test_the_upstream_sends_only_normalised_paths(echo, tmp_path):
    app = make_gateway(echo, tmp_path)
    state = app.extensions["zhaoshang_gateway"]
    target = state.settings.cities["lanzhou"]
    for path in ("/api/v1/../api/v1/leads", "/api/v1//leads", "/api/v1/%2e%2e/x"):
        with pytest.raises(Problem) as refused:
            state.upstream.send(target, "GET", path, Actor("a", "admin"))
        assert (refused.value.status, refused.value.code) == (400, "bad_path")
