"""The core's public testing support (core.testing): what a city outside this repository tests
with — the same fixtures the built-in cities' tests use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.config import built_in_config_path
from core.testing.http import call
from tests.support.cities import make_city
from tests.support.records import lead_body

SECRET = "public-testing-gateway-secret"

OUTSIDE_CONFTEST = '''
import pytest
from core.testing.cities import city_from_file


@pytest.fixture
def city():
    return city_from_file({config!r}, {{"first_talk_working_days": 4}})
'''

OUTSIDE_TESTS = '''
import pytest
from core.testing.http import call


def test_the_client_reaches_the_city_s_service(client, db_url):
    assert db_url.startswith("sqlite:")
    assert call(client, "GET", "/city")["code"] == "ziyang"


@pytest.mark.hard_days
def test_the_day_is_the_frozen_clock_s(today, clock_day):
    assert today.isoformat() == clock_day[:10]
'''


def test_the_client_signs_the_identity_for_a_service_that_knows_the_gateway_secret(client_for):
    client = client_for(make_city(gateway={"secret": SECRET}))
    lead = call(client, "POST", "/leads", lead_body(), 201)
    assert call(client, "GET", f"/leads?page=1&status={lead['status']}")["items"][0]["id"] == \
        lead["id"]
    assert call(client, "GET", "/units", as_=("clerk", "east"))["items"]
    # The same identity unsigned is refused: the client is what passes, not a lax service.
    unsigned = client.flask.get("/api/v1/city", headers=client.headers())
    assert (unsigned.status_code, unsigned.json["code"]) == (401, "unsigned_request")


def test_a_city_s_tests_outside_the_repository_get_the_fixtures_from_the_installed_core(
        tmp_path: Path) -> None:
    tests = tmp_path / "elsewhere" / "tests"
    tests.mkdir(parents=True)
    (tests / "conftest.py").write_text(OUTSIDE_CONFTEST.format(
        config=str(built_in_config_path("ziyang"))), encoding="utf-8")
    (tests / "test_city.py").write_text(OUTSIDE_TESTS, encoding="utf-8")
    env = {**os.environ, "ZHAOSHANG_TEST_BACKENDS": "sqlite"}
    env.pop("PYTHONPATH", None)  # nothing of this repository but the installed core
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p",
                           "no:cacheprovider", "--strict-markers", str(tests)],
                          cwd=tmp_path / "elsewhere", env=env, capture_output=True, text=True,
                          check=False)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-4000:]
    assert "8 passed" in report, report[-4000:]  # one API test, the hard days' seven
