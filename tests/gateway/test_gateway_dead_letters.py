"""The province's dead letters through the real gateway and province service: administrators
replay and discard (API and the 死信 page), province users only look, and every write and
refusal is in the audit log; the province page shows the dead-letter counts."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from core.db import make_engine, make_session_factory, unit_of_work
from core.models import OutboxEvent
from core.relay import cloudevent_message
from province.dead_letters import set_aside
from province.records import BadRecord, RawRecord
from tests.events.support import city_node
from tests.gateway.test_gateway_record_pages import text_of
from tests.gateway.test_gateway_versions import hidden, web_as
from tests.support.records import lead_body

_offsets = itertools.count(7_000_000)  # positions no other test's letter takes
RECEIVED = dt.datetime(2026, 6, 16, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


@pytest.fixture(scope="module")
def lead_record(tmp_path_factory) -> RawRecord:
    """A valid Lanzhou lead event as the province's topic ``zhaoshang.lanzhou`` holds it."""
    node = city_node("lanzhou", "兰州市", "zhaoshang",
                     f"sqlite:///{tmp_path_factory.mktemp('lanzhou') / 'city.db'}")
    node.client.post("/leads", json=lead_body(1))
    with node.sessions() as session:
        row = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type.like("%lead%"))
                              .order_by(OutboxEvent.position)).first()
        message = cloudevent_message(row)
    node.app.extensions["zhaoshang"].engine.dispose()
    return RawRecord("zhaoshang.lanzhou", 0, 0, message.key, message.value,
                     tuple(message.headers), None)


def held(services, raw: RawRecord, reason: str, detail: str) -> int:
    """Set ``raw`` aside in the running province's store, as its consumer would."""
    raw = RawRecord(raw.topic, 0, next(_offsets), raw.key, raw.value, raw.headers, None)
    engine = make_engine(f"sqlite:///{services['province'].database}")
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            return set_aside(session, raw, "lanzhou", BadRecord(reason, detail),
                             RECEIVED).id
    finally:
        engine.dispose()


def test_administrators_replay_and_province_users_only_look(front, services, lead_record):
    good = held(services, lead_record, "type.uncatalogued", "类型未登记（目录已修正）")
    answer = front.call("province", "POST", f"/province/dead-letters/{good}/replay")
    assert answer.status_code == 403 and answer.json()["code"] == "read_only"
    [entry] = front.audit_of(answer)
    assert (entry["username"], entry["outcome"], entry["target"]) == (
        "province", "refused", "province")
    assert front.call("province", "GET", f"/province/dead-letters/{good}").json()[
        "status"] == "held"

    answer = front.call("admin", "POST", f"/province/dead-letters/{good}/replay")
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "applied"
    [entry] = front.audit_of(answer)
    assert (entry["username"], entry["outcome"], entry["status"]) == ("admin", "done", 200)
    shown = front.call("province", "GET", f"/province/dead-letters/{good}").json()
    assert (shown["status"], shown["resolved_by"]) == ("replayed", "admin")


def test_the_dead_letters_page_lists_shows_and_lets_administrators_act(front, services,
                                                                        lead_record):
    broken = RawRecord(lead_record.topic, 0, 0, b"\xfe", b"\xff\x00not json",
                       lead_record.headers, None)
    letter = held(services, broken, "value.not_json", "消息体不是 UTF-8 JSON")

    viewer, _ = web_as(front, "province")
    listing = text_of(viewer.get("/web/province/dead-letters?status=held").get_data(as_text=True))
    assert "value.not_json" in listing and "消息体不是 UTF-8 JSON" in listing
    assert "兰州市" in listing and "2026-06-16 10:00:00" in listing  # Beijing time
    page = viewer.get(f"/web/province/dead-letters/{letter}").get_data(as_text=True)
    assert "hex:ff006e6f74206a736f6e" in page and "ce_type" in page
    assert 'id="dead-letter-actions"' not in page  # a province user only looks
    assert viewer.get("/web/province/dead-letters/999999999").status_code == 404
    province_page = viewer.get("/web/province").get_data(as_text=True)
    assert "待处理死信" in province_page and 'href="/web/province/dead-letters' in province_page

    admin, csrf = web_as(front, "admin")
    url = f"/web/province/dead-letters/{letter}"
    page = admin.get(url).get_data(as_text=True)
    assert 'id="dead-letter-actions"' in page
    form = {"csrf_token": csrf, "_idempotency_key": hidden(page, "_idempotency_key")}
    replayed = admin.post(f"{url}/replay", data=form)
    assert replayed.status_code == 303
    after = text_of(admin.get(replayed.headers["Location"]).get_data(as_text=True))
    assert "value.not_json" in after and "重放次数 1" in after  # still bad: kept held

    refused = admin.post(f"{url}/discard", data=form | {"reason": " "})
    # The refusal names the field by its Chinese label, beside the form.
    refusal = text_of(admin.get(refused.headers["Location"]).get_data(as_text=True))
    assert "提交的数据有误" in refusal and "放弃理由 ：请填写放弃该死信的理由" in refusal
    admin.post(f"{url}/discard", data=form | {"reason": "损坏的测试消息"})
    shown = front.call("admin", "GET", f"/province/dead-letters/{letter}").json()
    assert (shown["status"], shown["resolution"]) == ("discarded", "已放弃：损坏的测试消息")
    assert 'id="dead-letter-actions"' not in admin.get(url).get_data(as_text=True)
