"""Dead letters an operator can see, inspect, replay and discard (API and command), and the
freshness and completeness views counting them apart from applied events.

Records are the exact messages a city's relay publishes (core.relay.cloudevent_message) read
as the province reads them (province.records.read_event); a bad one is set aside as the
consumer does (province.dead_letters.set_aside). tests/events runs the consumer on a broker.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from core.db import unit_of_work
from core.models import OutboxEvent
from core.relay import cloudevent_message
from core.snapshot import record_snapshot
from province.config import build_config
from province.dead_letters import set_aside
from province.models import CityLead, CityState, DeadLetter, InboxEvent
from province.records import BadRecord, RawRecord, read_event
from province.store import apply_events
from tests.events.support import Province, city_node, province_config
from tests.support.records import lead_body
from tests.support.toml import toml_text
from tests.support.transactions import statements_and_transactions

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
ADMIN = {"X-Zhaoshang-User": "admin1", "X-Zhaoshang-Role": "admin"}
PROVINCE_USER = {"X-Zhaoshang-User": "prov1", "X-Zhaoshang-Role": "province"}
RECEIVED = dt.datetime(2026, 6, 16, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def hub(db_url):
    from province.app import create_app

    config = build_config(province_config("zs", ["alpha", "beta"], "127.0.0.1:1", db_url,
                                          names={"alpha": "甲市", "beta": "乙市"}))
    app = create_app(config, migrate=True)
    yield Province(config, app)
    app.extensions["zhaoshang_province"].engine.dispose()


@pytest.fixture
def alpha(tmp_path):
    return city_node("alpha", "甲市", "zs", f"sqlite:///{tmp_path / 'alpha.db'}")


def records(node, after: int = 0) -> list[RawRecord]:
    """The city's outbox as the raw records its topic holds."""
    with node.sessions() as session:
        rows = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.position > after)
                               .order_by(OutboxEvent.position))
        return [RawRecord(node.city.topic, 0, row.position, m.key, m.value, tuple(m.headers),
                          None) for row in rows for m in [cloudevent_message(row)]]


def deliver(hub: Province, raws: list[RawRecord]) -> int:
    with unit_of_work(hub.sessions) as session:
        return apply_events(session, [read_event(raw, hub.config) for raw in raws])


def set_aside_as(hub: Province, raw: RawRecord, reason: str = "type.uncatalogued",
                 detail: str = "类型未登记", offset: int | None = None) -> int:
    """Keep ``raw`` (at ``offset`` when given: a second copy) as a held dead letter."""
    if offset is not None:
        raw = RawRecord(raw.topic, raw.partition, offset, raw.key, raw.value, raw.headers,
                        raw.timestamp)
    try:
        event = read_event(raw, hub.config)
        claimed = (event.id, event.type, event.sequence)
    except BadRecord as bad:
        claimed = (bad.event_id, bad.event_type, bad.sequence)
    with unit_of_work(hub.sessions) as session:
        return set_aside(session, raw, "alpha", BadRecord(reason, detail, *claimed), RECEIVED).id


def with_value(raw: RawRecord, value: bytes | None, offset: int) -> RawRecord:
    return RawRecord(raw.topic, raw.partition, offset, raw.key, value, raw.headers, None)


def letter(hub: Province, letter_id: int) -> DeadLetter:
    with hub.sessions() as session:
        found = session.get(DeadLetter, letter_id)
        session.expunge(found)
        return found


def call(hub: Province, method: str, path: str, headers=None, **kw):
    client = hub.app.test_client()
    return client.open(f"/api/v1/province{path}", method=method, headers=headers or {}, **kw)


def leads_of(hub: Province) -> int:
    with hub.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(CityLead))


def test_a_replay_applies_the_record_once_and_a_second_copy_counts_as_a_duplicate(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    (raw,) = [r for r in records(alpha) if b"zhaoshang.lead." in dict(r.headers)["ce_type"]]
    first = set_aside_as(hub, raw)
    copy = set_aside_as(hub, raw, offset=raw.offset + 1000)  # the same event again, elsewhere
    assert leads_of(hub) == 0

    answer = call(hub, "POST", f"/dead-letters/{first}/replay", ADMIN)
    assert answer.status_code == 200, answer.json
    assert answer.json["outcome"] == "applied"
    replayed = letter(hub, first)
    assert (replayed.status, replayed.resolved_by, replayed.resolution, replayed.attempts) == (
        "replayed", "admin1", "已重放并应用", 1)
    assert replayed.resolved_at is not None
    assert leads_of(hub) == 1

    answer = call(hub, "POST", f"/dead-letters/{copy}/replay", ADMIN)
    assert answer.json["outcome"] == "duplicate"
    assert letter(hub, copy).resolution == "已应用过（重复），未重复计入"
    with hub.sessions() as session:
        assert session.get(CityState, "alpha").events == 1  # counted once
    assert leads_of(hub) == 1

    # A letter already dealt with is not acted on again.
    again = call(hub, "POST", f"/dead-letters/{first}/replay", ADMIN)
    assert again.status_code == 409
    assert again.json["refusals"][0]["rule"] == "dead_letter.not_held"


def test_a_record_still_bad_stays_held_with_its_new_reason(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    raw = records(alpha)[0]
    letter_id = set_aside_as(hub, with_value(raw, b"\xff{not json", raw.offset),
                             reason="apply.failed", detail="旧原因")
    answer = call(hub, "POST", f"/dead-letters/{letter_id}/replay", ADMIN)
    assert answer.status_code == 409
    assert answer.json["refusals"][0]["rule"] == "value.not_json"
    kept = letter(hub, letter_id)
    assert (kept.status, kept.attempts, kept.reason) == ("held", 1, "value.not_json")
    assert kept.detail != "旧原因" and kept.resolved_at is None
    assert call(hub, "POST", f"/dead-letters/{letter_id}/replay", ADMIN).status_code == 409
    assert letter(hub, letter_id).attempts == 2
    with hub.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(InboxEvent)) == 0


@sqlite_only
def test_discarding_needs_a_reason_and_records_who_and_when(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    letter_id = set_aside_as(hub, records(alpha)[0])
    for body in ({}, {"reason": "   "}):
        answer = call(hub, "POST", f"/dead-letters/{letter_id}/discard", ADMIN, json=body)
        assert answer.status_code == 400
        assert answer.json["errors"][0]["field"] == "reason"
    assert letter(hub, letter_id).status == "held"
    answer = call(hub, "POST", f"/dead-letters/{letter_id}/discard", ADMIN,
                  json={"reason": "测试数据，市里已撤回"})
    assert answer.status_code == 200, answer.json
    assert (answer.json["status"], answer.json["status_label"]) == ("discarded", "已放弃")
    kept = letter(hub, letter_id)
    assert (kept.resolved_by, kept.resolution) == ("admin1", "已放弃：测试数据，市里已撤回")
    assert kept.resolved_at is not None
    refused = call(hub, "POST", f"/dead-letters/{letter_id}/discard", ADMIN,
                   json={"reason": "再次"})
    assert refused.status_code == 409
    assert call(hub, "POST", f"/dead-letters/{letter_id}/replay", ADMIN).status_code == 409


def test_reads_leave_no_transaction_open_and_a_discard_writes_in_one(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    letter_id = set_aside_as(hub, records(alpha)[0])
    engine = hub.app.extensions["zhaoshang_province"].engine
    with statements_and_transactions(engine) as seen:
        for path in ("/dead-letters", f"/dead-letters/{letter_id}",
                     "/cities?from=2026-01-01&to=2026-12-31", "/completeness"):
            assert call(hub, "GET", path, PROVINCE_USER if "dead" not in path else ADMIN
                        ).status_code == 200, path
    assert seen and not [statement for statement, open_ in seen if open_]
    with statements_and_transactions(engine) as seen:
        assert call(hub, "POST", f"/dead-letters/{letter_id}/discard", ADMIN,
                    json={"reason": "测试数据"}).status_code == 200
    writes = [open_ for statement, open_ in seen if statement.lstrip().startswith("UPDATE")]
    assert writes and all(writes)


@sqlite_only
def test_only_administrators_replay_or_discard_and_a_refusal_writes_nothing(hub, alpha,
                                                                             monkeypatch):
    alpha.client.post("/leads", json=lead_body(1))
    letter_id = set_aside_as(hub, records(alpha)[0])
    for headers in (PROVINCE_USER, {"X-Zhaoshang-User": "o", "X-Zhaoshang-Role": "officer"}):
        for action, body in (("replay", None), ("discard", {"reason": "x"})):
            answer = call(hub, "POST", f"/dead-letters/{letter_id}/{action}", headers, json=body)
            assert answer.status_code == 403, answer.json
            assert answer.json["code"] == "forbidden_role"
    kept = letter(hub, letter_id)
    assert (kept.status, kept.attempts) == ("held", 0)
    assert leads_of(hub) == 0
    # Province users read the letters.
    assert call(hub, "GET", "/dead-letters", PROVINCE_USER).status_code == 200
    assert call(hub, "GET", f"/dead-letters/{letter_id}", PROVINCE_USER).status_code == 200

    # Behind the gateway: a signed administrator's write passes, a province user's does not.
    from core.identity import Actor, signed_identity_headers

    monkeypatch.setenv("ZHAOSHANG_GATEWAY_SECRET", "s3cret")
    path = f"/api/v1/province/dead-letters/{letter_id}/replay"
    client = hub.app.test_client()
    signed = signed_identity_headers("s3cret", Actor("prov1", "province"), "POST", path)
    assert client.post(path, headers=signed).status_code == 403
    signed = signed_identity_headers("s3cret", Actor("admin1", "admin"), "POST", path)
    assert client.post(path, headers=signed).status_code == 200
    assert leads_of(hub) == 1


@sqlite_only
def test_the_list_filters_and_pages_and_the_detail_shows_the_raw_record(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    alpha.client.post("/leads", json=lead_body(2))
    first, second = records(alpha)[:2]
    binary = RawRecord(first.topic, 0, 9001, b"\x00\xfekey", b"\x80\x81",
                       (("ce_id", b"\xff\xfe"), ("empty", None), *first.headers[1:]), None)
    a = set_aside_as(hub, first)
    b = set_aside_as(hub, binary, reason="header.not_utf8", detail="消息头 ce_id 不是 UTF-8")
    c = set_aside_as(hub, second)
    call(hub, "POST", f"/dead-letters/{c}/discard", ADMIN, json={"reason": "重复"})

    listed = call(hub, "GET", "/dead-letters", PROVINCE_USER).json
    assert [x["id"] for x in listed["items"]] == [a, b, c] and listed["total"] == 3
    assert listed["items"][0]["city_name"] == "甲市"
    held = call(hub, "GET", "/dead-letters?status=held&city=alpha&per_page=1&page=2",
                PROVINCE_USER).json
    assert ([x["id"] for x in held["items"]], held["total"]) == ([b], 2)
    assert call(hub, "GET", "/dead-letters?city=beta", PROVINCE_USER).json["total"] == 0
    assert call(hub, "GET", "/dead-letters?status=lost", PROVINCE_USER).status_code == 400

    shown = call(hub, "GET", f"/dead-letters/{a}", PROVINCE_USER).json
    assert shown["reason"] == "type.uncatalogued" and shown["value"]["encoding"] == "utf-8"
    assert json.loads(shown["value_text"]) == json.loads(first.value)
    headers = {h["name"]: h for h in shown["headers"]}
    assert headers["ce_type"]["data"].startswith("zhaoshang.lead.")

    raw = call(hub, "GET", f"/dead-letters/{b}", PROVINCE_USER).json
    assert raw["key"] == {"encoding": "base64", "data": "AP5rZXk=", "hex": "00fe6b6579",
                          "size": 5}
    assert raw["value"]["hex"] == "8081" and raw["value_text"] is None
    assert raw["headers"][0] == {"name": "ce_id", "encoding": "base64", "data": "//4=",
                                 "hex": "fffe", "size": 2}
    assert raw["headers"][1]["encoding"] is None and raw["headers"][1]["data"] is None

    for missing in (999, 2**31, 2**63 + 5):
        answer = call(hub, "GET", f"/dead-letters/{missing}", PROVINCE_USER)
        assert answer.status_code == 404, missing
        assert call(hub, "POST", f"/dead-letters/{missing}/replay", ADMIN).status_code == 404


@sqlite_only
def test_freshness_counts_held_dead_letters_apart_from_events(hub, alpha):
    alpha.client.post("/leads", json=lead_body(1))
    alpha.client.post("/leads", json=lead_body(2))
    good, bad = records(alpha)[:2]
    deliver(hub, [good])
    a = set_aside_as(hub, bad)
    set_aside_as(hub, bad, offset=bad.offset + 1000)
    call(hub, "POST", f"/dead-letters/{a}/discard", ADMIN, json={"reason": "重复"})
    rows = {r["city"]: r for r in hub.get("/freshness?consumer_lag=false")["cities"]}
    assert (rows["alpha"]["events"], rows["alpha"]["dead_letters"]) == (1, 1)
    assert dt.datetime.fromisoformat(rows["alpha"]["last_dead_letter_at"]) == RECEIVED
    assert (rows["beta"]["dead_letters"], rows["beta"]["last_dead_letter_at"]) == (0, None)


def completeness(hub) -> dict:
    return {row["city"]: row for row in hub.get("/completeness")["cities"]}["alpha"]


def test_completeness_tells_set_aside_records_from_missing_ones(hub, alpha):
    for number in range(1, 5):
        alpha.client.post("/leads", json=lead_body(number))
    with unit_of_work(alpha.sessions) as session:
        record_snapshot(session, alpha.city)
    raws = records(alpha)
    *events, snap = raws
    assert completeness(hub)["status"] == "no_snapshot"

    # One event set aside, one still on the way: behind, and the row says which is which.
    deliver(hub, events[:-2] + [snap])
    set_aside_as(hub, events[-2])
    row = completeness(hub)
    assert (row["status"], row["missing_events"], row["dead_letters_before_snapshot"]) == (
        "behind", 1, 1)
    assert row["received_before_snapshot"] == len(events) - 2

    # The other arrives: the only shortfall is the set-aside record (and its lead).
    deliver(hub, events[-1:])
    row = completeness(hub)
    assert (row["status"], row["missing_events"], row["dead_letters_before_snapshot"]) == (
        "dead_letters", 0, 1)
    assert {d["field"] for d in row["differences"]} == {"leads"}

    # A bad second copy of an event that did arrive explains nothing: not counted.
    set_aside_as(hub, events[0], offset=events[0].offset + 1000)
    assert completeness(hub)["dead_letters_before_snapshot"] == 1

    # Discarded: an accepted gap, neither missing nor waiting — the totals differ.
    held = call(hub, "GET", "/dead-letters?status=held", PROVINCE_USER).json["items"]
    call(hub, "POST", f"/dead-letters/{held[0]['id']}/discard", ADMIN, json={"reason": "试"})
    row = completeness(hub)
    assert (row["status"], row["missing_events"], row["discarded_before_snapshot"]) == (
        "mismatch", 0, 1)

    # Replayed (a copy of the discarded one, set aside again): complete.
    set_aside_as(hub, events[-2], offset=events[-2].offset + 2000)
    held = call(hub, "GET", "/dead-letters?status=held", PROVINCE_USER).json["items"]
    for item in held:
        call(hub, "POST", f"/dead-letters/{item['id']}/replay", ADMIN)
    row = completeness(hub)
    assert (row["status"], row["differences"], row["dead_letters_before_snapshot"]) == (
        "complete", [], 0)

    # Inbox rows pruned below the snapshot still count as received.
    with unit_of_work(hub.sessions) as session:
        below = session.scalars(sa.select(InboxEvent).where(
            InboxEvent.city == "alpha", InboxEvent.sequence < snap.offset)).all()
        for row_ in below[:2]:
            session.delete(row_)
        session.get(CityState, "alpha").pruned_events += 2
    assert completeness(hub)["status"] == "complete"

    # Newer events explain a difference until the next snapshot; nothing newer: a mismatch.
    alpha.client.post("/leads", json=lead_body(9))
    deliver(hub, records(alpha, after=snap.offset))
    assert completeness(hub)["status"] == "changed_since_snapshot"
    with unit_of_work(hub.sessions) as session:
        session.execute(sa.delete(InboxEvent).where(InboxEvent.sequence > snap.offset))
    assert completeness(hub)["status"] == "mismatch"


@sqlite_only
def test_the_dead_letters_command_lists_shows_replays_and_discards(hub, alpha, tmp_path,
                                                                   monkeypatch):
    from province.cli import province_group

    alpha.client.post("/leads", json=lead_body(1))
    alpha.client.post("/leads", json=lead_body(2))
    good, other = records(alpha)[:2]
    fixed = set_aside_as(hub, good)
    broken = set_aside_as(hub, with_value(other, b"\xff\x00", other.offset),
                          reason="value.not_json", detail="消息体不是 UTF-8 JSON")
    config = tmp_path / "province.toml"
    config.write_text(toml_text(hub.config.raw), encoding="utf-8")
    monkeypatch.setenv("USER", "wang")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(province_group, ["dead-letters", *args, "--config", str(config)])

    listed = run("list", "--status", "held")
    assert listed.exit_code == 0, listed.output
    assert "value.not_json" in listed.output and "2 dead letter(s)" in listed.output
    shown = run("show", str(broken))
    assert shown.exit_code == 0, shown.output
    assert "reason:      value.not_json" in shown.output and "hex:ff00" in shown.output
    assert "ce_type: zhaoshang." in shown.output and "ce_sequence: 0000" in shown.output
    assert run("show", "777").exit_code == 1

    replayed = run("replay", "--all")
    assert replayed.exit_code == 1  # one of them is still bad
    assert f"{fixed}: applied" in replayed.output
    assert f"{broken}: still bad, kept held: value.not_json" in replayed.output
    assert letter(hub, fixed).resolved_by == "cli:wang"
    assert leads_of(hub) == 1
    assert run("replay", str(fixed)).exit_code == 1  # no longer held

    assert run("discard", str(broken), "--reason", "  ").exit_code == 1
    discarded = run("discard", str(broken), "--reason", "损坏的测试消息")
    assert discarded.exit_code == 0, discarded.output
    kept = letter(hub, broken)
    assert (kept.status, kept.resolved_by) == ("discarded", "cli:wang")
    assert "0 dead letter(s)" in run("list", "--status", "held").output
