"""A path id no record can have — beyond the 32-bit id columns or beyond 64 bits — is a 404 (or
a 400 for the input), never a 500, on every record route of the core and of every city plugin:
PostgreSQL would otherwise refuse the lookup (integer out of range)."""

from __future__ import annotations

import re

import pytest

from tests.support.cities import built_in_city, make_city
from tests.support.http import ApiClient

HUGE = ("2147483648", "9223372036854775808", "99999999999999999999")
CITIES = ("core", "lanzhou", "ziyang", "sanming", "changsha", "pingliang")


def record_paths(app) -> list[tuple[str, str]]:
    """(method, path) of every API route with an ``<int:…>`` path id, each id filled with ``{}``."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:[^>]+>", "{id}", rule.rule)
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.append((method, path.removeprefix("/api/v1")))
    return paths


@pytest.mark.parametrize("code", CITIES)
def test_an_id_beyond_the_id_columns_is_not_found_on_every_record_route(code, app_for):
    city = make_city() if code == "core" else built_in_city(code)
    app = app_for(city)
    client = ApiClient(app.test_client(), role="admin")
    paths = record_paths(app)
    assert paths
    failures = []
    for method, path in paths:
        for huge in HUGE:
            response = client.request(method, path.format(id=huge), json={})
            if response.status_code >= 500 or response.status_code not in (400, 403, 404, 422):
                failures.append((method, path, huge, response.status_code))
    assert failures == []


def test_the_largest_id_still_reaches_the_record_lookup(client):
    """2147483647 is looked up (the 404 names the record); one more matches no route."""
    inside = client.get("/projects/2147483647")
    assert inside.status_code == 404 and "项目" in inside.json["detail"]
    assert client.get("/intermediaries/2147483648").status_code == 404
    assert client.patch("/intermediaries/99999999999999999999", json={}).status_code == 404
