"""The province store and its views, fed the exact messages the relay would publish.

No broker here: each city's outbox rows are turned into their Kafka messages
(:func:`core.relay.cloudevent_message`) and read back (:func:`province.records.read_event`),
so the wire format is exercised end to end; tests/events runs the same over a real broker.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.config import ConfigError
from core.db import unit_of_work
from core.models import OutboxEvent
from core.relay import cloudevent_message
from core.snapshot import record_snapshot
from province.config import build_config, load_config
from province.models import CityProject, CityState
from province.records import BadRecord, RawRecord, read_event
from province.store import apply_events
from tests.events.support import Province, city_node, province_config
from tests.support.records import add_funds as records_add_funds
from tests.support.records import advance, create_project, enterprise, lead_body, project_body

Record = namedtuple("Record", "topic partition offset key value headers")
YEAR = "from=2024-01-01&to=2024-12-31"
# The store's writes and the completeness queries run on both backends; the other views
# are plain Python over the same rows, so SQLite suffices for them.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def messages(node, after: int = 0) -> list[Record]:
    with node.sessions() as session:
        rows = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.position > after)
                               .order_by(OutboxEvent.position))
        return [Record(node.city.topic, 0, row.position, m.key, m.value, m.headers)
                for row in rows for m in [cloudevent_message(row)]]


def deliver(hub: Province, records: list[Record]) -> int:
    with unit_of_work(hub.sessions) as session:
        return apply_events(session, [read_event(RawRecord.of(r), hub.config) for r in records])


@pytest.fixture
def hub(db_url, tmp_path):
    from province.app import create_app

    config = build_config(province_config("zs", ["alpha", "beta", "gamma"], "127.0.0.1:1",
                                          db_url, names={"alpha": "甲市", "beta": "乙市"}))
    app = create_app(config, migrate=True)
    yield Province(config, app)
    app.extensions["zhaoshang_province"].engine.dispose()


@pytest.fixture
def alpha(tmp_path):
    return city_node("alpha", "甲市", "zs", f"sqlite:///{tmp_path / 'alpha.db'}")


@pytest.fixture
def beta(tmp_path):
    return city_node("beta", "乙市", "zs", f"sqlite:///{tmp_path / 'beta.db'}")


def add_funds(client, project_id, amount, arrived_on, verified=True):
    """A tranche reported and (unless ``verified`` is false) verified by the office."""
    return records_add_funds(client, project_id, amount, arrived_on, verified=verified)


def figures_city(client) -> None:
    """Signed, started, funded, last year's and out-of-province projects (as in test_stats)."""
    one = create_project(client, 1, amount="60000", channel="fair")["id"]
    advance(client, one, "started")
    add_funds(client, one, "30000", "2024-05-01")
    # Reported, not yet verified: shown as pending (待核实), counted nowhere.
    add_funds(client, one, "7000", "2024-06-01", verified=False)
    two = create_project(client, 2, amount="40000", industry="agriculture", channel="chain",
                         finding_unit="west", enterprise=enterprise(2, origin_province="甘肃省"))
    advance(client, two["id"], "signed", {"negotiating": "2024-05-01", "signed": "2024-06-01"})
    three = create_project(client, 3, amount="50000", industry="tourism", channel="fair")["id"]
    advance(client, three, "started",
            {"negotiating": "2023-04-01", "signed": "2023-05-01", "started": "2023-06-01"})
    add_funds(client, three, "10000", "2024-02-01")
    # A tranche rejected on verification counts nowhere, in the city or the province.
    rejected = add_funds(client, three, "5000", "2024-03-01", verified=False)
    response = client.post(f"/projects/{three}/funds/{rejected['id']}/verification",
                           json={"verification": "rejected"})
    assert response.status_code == 200, response.json
    create_project(client, 4, amount="90000")
    client.post("/leads", json=lead_body(5), as_=("clerk", "east"))


def test_the_province_computes_each_city_figure_as_the_city_does(hub, alpha, beta):
    figures_city(alpha.client)
    beta.client.post("/leads", json=lead_body(9), as_=("clerk", "east"))
    deliver(hub, messages(alpha) + messages(beta))
    rows = {row["key"]: row for row in hub.get(f"/cities?{YEAR}")["cities"]}
    city_total = alpha.client.get(f"/stats?{YEAR}").json["total"]
    mine = rows["alpha"]
    for name, value in city_total.items():
        if name not in ("key", "label"):
            assert mine[name] == value, name
    assert (mine["label"], mine["leads_reported"], mine["projects"]) == ("甲市", 1, 4)
    # Verified funds only; the pending tranche is shown beside, as in the city.
    assert (mine["arrived_amount"], mine["arrived_pending_amount"]) == ("40000.0000", "7000.0000")
    assert mine["out_of_province_signed_amount"] == "60000.0000"
    assert mine["out_of_province_share"] == "0.6000"  # 60000 of 100000 signed in 2024
    assert rows["beta"]["signed_amount"] == "0.0000" and rows["beta"]["leads_reported"] == 1
    assert rows["beta"]["start_rate"] is None


def test_a_redelivered_event_is_applied_once(hub, alpha):
    figures_city(alpha.client)
    records = messages(alpha)
    first = deliver(hub, records)
    assert first == len(records)
    # A crash after the database commit, before the offset commit: all of it comes again,
    # some of it twice in one poll.
    assert deliver(hub, records + records[:5]) == 0
    with hub.sessions() as session:
        assert session.get(CityState, "alpha").events == len(records)
    assert hub.get(f"/cities?{YEAR}")["cities"][0]["signed_amount"] == "100000.0000"


def test_a_stale_project_event_never_rolls_the_project_back(hub, alpha):
    project = create_project(alpha.client, 1)["id"]
    advance(alpha.client, project, "signed")
    records = messages(alpha)
    deliver(hub, records[-1:])  # the newest state first …
    deliver(hub, records[:-1])  # … then the older events, late
    with hub.sessions() as session:
        held = session.get(CityProject, ("alpha", project))
        assert (held.stage, held.signed_on) == ("signed", dt.date(2024, 3, 1))


@sqlite_only
def test_investors_courted_by_several_cities(hub, alpha, beta, tmp_path):
    gamma = city_node("gamma", "丙市", "zs", f"sqlite:///{tmp_path / 'gamma.db'}")
    same_code = enterprise(10, name="远大新能源集团有限公司")
    alpha.client.post("/leads", json=lead_body(1, enterprise=same_code))
    beta.client.post("/projects", json=project_body(2, enterprise=enterprise(
        10, name="远大新能源有限公司")))
    # A record without a code joins the one code group carrying its normalised name.
    gamma.client.post("/leads", json=lead_body(3, enterprise={"name": "远大新能源股份有限公司"}))
    # Two different codes under one name are two investors; name-only records elsewhere
    # cannot be attached to either, so they group by name.
    alpha.client.post("/leads", json=lead_body(4, enterprise=enterprise(20, name="华瑞科技有限公司")))
    beta.client.post("/leads", json=lead_body(5, enterprise=enterprise(21, name="华瑞科技有限公司")))
    alpha.client.post("/leads", json=lead_body(6, enterprise={"name": "晨光材料有限公司"}))
    beta.client.post("/leads", json=lead_body(7, enterprise={"name": "晨光材料(集团)"}))
    deliver(hub, messages(alpha) + messages(beta) + messages(gamma))
    groups = hub.get("/shared-investors")["investors"]
    summary = [(g["match"], g["city_count"], [c["city"] for c in g["cities"]]) for g in groups]
    assert summary == [("credit_code", 3, ["alpha", "beta", "gamma"]),
                       ("name", 2, ["alpha", "beta"])]
    assert groups[0]["credit_code"] == same_code["credit_code"]
    assert groups[0]["matched_by_name"] is True
    assert groups[1]["key"] == "晨光材料"
    assert hub.get("/shared-investors?min_cities=3")["investors"][0]["city_count"] == 3


def snapshot(node) -> None:
    with unit_of_work(node.sessions) as session:
        record_snapshot(session, node.city)


def completeness(hub) -> dict[str, dict]:
    return {row["city"]: row for row in hub.get("/completeness")["cities"]}


def test_completeness_compares_the_latest_snapshot_with_the_province_copy(hub, alpha, beta):
    figures_city(alpha.client)
    assert completeness(hub)["alpha"]["status"] == "no_snapshot"
    snapshot(alpha)
    records = messages(alpha)
    deliver(hub, records[:3] + records[-1:])  # the snapshot overtook most of the events
    row = completeness(hub)["alpha"]
    assert row["status"] == "behind"
    assert row["missing_events"] == len(records) - 4
    deliver(hub, records)
    row = completeness(hub)["alpha"]
    assert (row["status"], row["differences"], row["missing_events"]) == ("complete", [], 0)
    assert row["snapshot"]["signed_amount"] == row["province"]["signed_amount"] == "150000.0000"

    # Changes after the snapshot explain a difference until the next snapshot.
    create_project(alpha.client, 8, amount="1000")
    deliver(hub, messages(alpha, after=records[-1].offset))
    row = completeness(hub)["alpha"]
    assert row["status"] == "changed_since_snapshot"
    assert row["events_after_snapshot"] >= 1
    snapshot(alpha)
    deliver(hub, messages(alpha))
    assert completeness(hub)["alpha"]["status"] == "complete"

    # The province's copy diverged (here: a project lost in the province store).
    with unit_of_work(hub.sessions) as session:
        session.execute(sa.delete(CityProject).where(CityProject.city == "alpha",
                                                     CityProject.amount == Decimal("1000")))
    row = completeness(hub)["alpha"]
    assert row["status"] == "mismatch"
    fields = {d["field"]: (d["city"], d["province"]) for d in row["differences"]}
    assert fields["projects"] == (5, 4)
    city_stages, province_stages = fields["projects_by_stage"]
    assert (city_stages["reserve"], province_stages["reserve"]) == (2, 1)
    assert completeness(hub)["beta"]["status"] == "no_snapshot"


@sqlite_only
def test_ranking_orders_cities_by_the_chosen_figure(hub, alpha, beta):
    figures_city(alpha.client)
    other = create_project(beta.client, 1, amount="200000")["id"]
    advance(beta.client, other, "signed")
    deliver(hub, messages(alpha) + messages(beta))
    by_amount = hub.get(f"/ranking?{YEAR}&by=signed_amount")["cities"]
    assert [(r["rank"], r["city"], r["value"]) for r in by_amount] == [
        (1, "beta", "200000.0000"), (2, "alpha", "100000.0000"), (3, "gamma", "0.0000")]
    by_arrival = hub.get(f"/ranking?{YEAR}&by=arrived_amount")["cities"]
    assert [(r["rank"], r["city"]) for r in by_arrival] == [(1, "alpha"), (2, "beta"), (2, "gamma")]
    by_start = hub.get(f"/ranking?{YEAR}&by=start_rate")["cities"]
    # beta signed but started nothing (rate 0); gamma signed nothing: no rate, no rank.
    assert [(r["rank"], r["city"]) for r in by_start] == [(1, "alpha"), (2, "beta"),
                                                          (None, "gamma")]
    by_leads = hub.get(f"/ranking?{YEAR}&by=leads_reported")["cities"]
    assert [(r["rank"], r["city"]) for r in by_leads] == [(1, "alpha"), (2, "beta"), (2, "gamma")]


@sqlite_only
def test_freshness_reports_the_newest_event_and_its_age(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    deliver(hub, messages(alpha))
    rows = {row["city"]: row for row in hub.get("/freshness?consumer_lag=false")["cities"]}
    assert rows["alpha"]["last_event_type"].startswith("zhaoshang.")
    assert rows["alpha"]["lag_seconds"] >= 0
    assert rows["alpha"]["events"] == len(messages(alpha))
    assert rows["beta"] == rows["beta"] | {"events": 0, "last_event_time": None,
                                           "lag_seconds": None}


@sqlite_only
def test_bad_queries_are_field_problems(hub):
    client = hub.app.test_client()
    response = client.get("/api/v1/province/cities?from=2024-12-31&to=2024-01-01")
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "from"
    assert response.json["errors"][0]["code"] == "range.order"
    response = client.get(f"/api/v1/province/ranking?{YEAR}&by=population")
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "by"
    assert client.get("/api/v1/province/cities").status_code == 400
    assert client.get("/api/v1/province/openapi.json").status_code == 200


def test_a_record_that_is_not_a_cloudevent_is_refused():
    config = build_config(province_config("zs", ["alpha"], "127.0.0.1:1", "sqlite://"))
    with pytest.raises(BadRecord) as missing:
        read_event(RawRecord.of(Record("zs.alpha", 0, 0, b"k", b"{}", [("ce_id", b"1")])), config)
    assert missing.value.reason == "headers.missing"
    with pytest.raises(BadRecord) as not_object:
        read_event(RawRecord.of(Record("zs.alpha", 0, 0, b"k", b"[1]", [
            ("ce_specversion", b"1.0"), ("ce_id", b"1"), ("ce_source", b"/zhaoshang/cities/alpha"),
            ("ce_type", b"x"), ("ce_time", b"2024-01-01T00:00:00Z")])), config)
    assert not_object.value.reason == "value.not_object"


def test_the_province_configuration_is_validated(tmp_path):
    assert load_config().cities == ["lanzhou", "pingliang", "ziyang", "sanming", "changsha"]
    with pytest.raises(ConfigError, match="cities"):
        build_config({"kafka": {"group_id": "x"}})
    with pytest.raises(ConfigError, match="collect"):
        build_config({"cities": {"collect": ["Not A Code"]}})
    with pytest.raises(ConfigError, match="surprise"):
        build_config({"cities": {"collect": ["alpha"]}, "surprise": {}})


@sqlite_only
def test_behind_the_gateway_only_signed_province_reads_pass(hub, monkeypatch):
    from core.identity import Actor, signed_identity_headers

    monkeypatch.setenv("ZHAOSHANG_GATEWAY_SECRET", "s3cret")
    client = hub.app.test_client()
    path = "/api/v1/province/completeness"
    assert client.get(path).status_code == 401  # not through the gateway

    def signed(role: str, city: str | None = None) -> int:
        actor = Actor(user=f"{role}1", role=role, city=city)
        headers = signed_identity_headers("s3cret", actor, "GET", path)
        return client.get(path, headers=headers).status_code

    assert signed("province") == 200
    assert signed("admin") == 200
    assert signed("officer", "alpha") == 403  # a city's staff see their city, not the province


def test_correcting_an_investor_moves_the_provinces_out_of_province_figures(hub, alpha):
    """省外 is re-derived when the investor is corrected; the ``updated`` event carries it."""
    from tests.support.records import credit_code

    project = create_project(alpha.client, 1, amount="60000")  # a 广东省 investor: 省外
    advance(alpha.client, project["id"], "signed")
    deliver(hub, messages(alpha))
    before = {row["key"]: row for row in hub.get(f"/cities?{YEAR}")["cities"]}["alpha"]
    assert before["out_of_province_signed_amount"] == "60000.0000"
    seen = max(r.offset for r in messages(alpha))
    response = alpha.client.patch(f"/enterprises/{project['enterprise']['id']}",
                                  json={"credit_code": credit_code(1, "620102"),
                                        "origin_province": "甘肃省", "reason": "执照登记地为兰州"})
    assert response.status_code == 200, response.json
    deliver(hub, messages(alpha, after=seen))
    after = {row["key"]: row for row in hub.get(f"/cities?{YEAR}")["cities"]}["alpha"]
    assert after["out_of_province_signed_amount"] == "0.0000"
    assert after["signed_amount"] == "60000.0000"
