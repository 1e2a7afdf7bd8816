"""One city's service stopped: the others still answer through the gateway, and the stopped
one gives a problem naming it."""

from __future__ import annotations

import pytest


@pytest.fixture
def sanming_stopped(cities):
    """Sanming's service process is stopped for the test and started again after it."""
    sanming = cities["sanming"]
    sanming.stop()
    yield sanming
    sanming.start()
    sanming.wait_ready()


def test_with_one_city_stopped_the_others_still_answer(front, cities, sanming_stopped):
    for attempt in range(2):  # the second time over connections the gateway already holds
        down = front.call("province", "GET", "/cities/sanming/projects")
        assert down.status_code == 503, (attempt, down.text)
        assert down.headers["Content-Type"].startswith("application/problem+json")
        problem = down.json()
        assert (problem["code"], problem["city"], problem["city_name"]) == (
            "city_unavailable", "sanming", "三明市")
        assert "三明市" in problem["title"]
        for code in ("lanzhou", "ziyang"):
            answer = front.call("province", "GET", f"/cities/{code}/projects")
            assert answer.status_code == 200, answer.text

    written = front.call("lanzhou-officer", "POST", "/cities/lanzhou/leads", json={
        "title": "停机期间的线索", "reporting_unit": "east",
        "enterprise": {"name": "停机测试企业有限公司"}})
    assert written.status_code == 201, written.text
    failed_write = front.call("admin", "POST", "/cities/sanming/leads", json={})
    assert failed_write.status_code == 503
    [entry] = front.audit_of(failed_write)
    assert (entry["target"], entry["outcome"], entry["reason"]) == ("sanming", "failed",
                                                                    "city_unavailable")

    health = {city["code"]: city for city in front.call("province", "GET", "/cities").json()}
    assert health["sanming"]["status"] == "down"
    assert "三明市" in health["sanming"]["detail"]
    assert health["lanzhou"]["status"] == health["ziyang"]["status"] == "up"
    assert health["lanzhou"]["name"] == "兰州市"


def test_the_city_list_shows_every_deployed_city_up(front, cities):
    health = front.call("lanzhou-clerk", "GET", "/cities")
    assert health.status_code == 200
    assert [(city["code"], city["status"]) for city in health.json()] == [
        (code, "up") for code in cities]
