"""What every built-in city's demo shows, whatever its plugin: the investment map with
enterprises present, targets and gaps, and the demo leader's own 包抓 projects; and the core's
demo records, loaded on each of the hard days, dated on or before the clock's day."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from core.city import load_city
from core.clock import utcnow
from core.config import built_in_config_path
from core.demo import demo_leader_name, load_demo_data
from core.models import Lead
from tests.support.cities import make_city, ready_app
from tests.support.demo import dated_after, demo_client_for

TODAY = dt.date(2024, 11, 15)
CITIES = ["lanzhou", "ziyang", "sanming", "changsha", "pingliang"]


@pytest.fixture(scope="module", params=["sqlite"])
def demo_client(request, tmp_path_factory):
    """``demo_client(code)``: the city's demo, loaded once for the module."""
    loaded: dict[str, tuple] = {}

    def client_for(code):
        if code not in loaded:
            city = load_city(built_in_config_path(code))
            clients = demo_client_for(request, tmp_path_factory, city, TODAY)
            loaded[code] = (city, next(clients), clients)
        return loaded[code][:2]

    yield client_for
    for _, _, clients in loaded.values():
        next(clients, None)


@pytest.mark.parametrize("code", CITIES)
def test_the_demo_map_has_present_enterprises_targets_and_gaps(code, demo_client):
    _, client = demo_client(code)
    chains = client.get("/investment-map").json["chains"]
    assert len(chains) >= 3
    assert any(link["enterprises_present"] for chain in chains for link in chain["links"])
    assert all(chain["summary"]["targets"] >= 1 for chain in chains)
    assert any(chain["gaps"] for chain in chains)
    targeted = [gap for chain in chains for gap in chain["gaps"] if gap["targets"]]
    assert targeted  # the demo courts someone for a missing link


@pytest.mark.parametrize("code", CITIES)
def test_the_demo_leader_has_projects_of_their_own(code, demo_client):
    city, client = demo_client(code)
    leader = demo_leader_name(city.name)
    own = client.get("/projects", query_string={"leader": leader}).json["items"]
    assert own, f"{leader} leads no demo project"
    assert {project["leader_name"] for project in own} == {leader}
    assert {project["stage"] for project in own} <= {"signed", "started"}


@pytest.mark.parametrize("code", CITIES)
def test_the_demo_shows_the_warnings_of_today_as_the_nightly_recompute_would(code, demo_client):
    """Judged once when the whole demo is written, as of the clock's day: a recompute for that
    day (a dry run) finds nothing to raise, change or clear, and the demo has warnings."""
    city, client = demo_client(code)
    today = city.clock.today().isoformat()
    summary = client.post("/warnings/recompute", json={"today": today}).json
    assert (summary["raised"], summary["changed"], summary["cleared"]) == (0, 0, 0), \
        summary["details"][:5]
    assert summary["open"] > 0


@pytest.mark.hard_days
def test_the_core_demo_is_dated_on_the_clocks_day_and_never_after_it(tmp_path):
    """Loaded without a day, the demo takes the city's today; no record is dated later (only
    plans and deadlines may be), whatever the day: year end, New Year, a leap day …"""
    city = make_city()
    runtime = ready_app(city, f"sqlite:///{tmp_path / 'demo.db'}").extensions["zhaoshang"]
    today = city.clock.today()
    try:
        counts = load_demo_data(runtime)
        assert counts["leads"] >= 12 and counts["projects"] >= 24
        assert dated_after(runtime.engine, today, utcnow()) == []
        with runtime.sessions() as session:
            latest = session.scalar(sa.select(sa.func.max(Lead.reported_on)))
        # The newest lead was reported three days ago, or on New Year's Day early in January.
        assert latest == max(dt.date(today.year, 1, 1), today - dt.timedelta(days=3))
    finally:
        runtime.engine.dispose()
