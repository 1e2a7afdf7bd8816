"""Pruning the province's inbox: only ids received before the keep window AND below the city's
newest snapshot go, their count moves to ``CityState``; old snapshots beyond the newest ten go."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from core.clock import utcnow
from core.config import ConfigError
from core.db import unit_of_work
from province.config import build_config
from province.models import CitySnapshot, CityState, InboxEvent
from province.pruning import prune_inbox
from province.reports import completeness
from tests.events.support import Province, province_config

OLD = dt.timedelta(days=40)  # beyond the default 30 days
RECENT = dt.timedelta(days=1)


@pytest.fixture
def hub(db_url):
    from province.app import create_app

    config = build_config(province_config("zs", ["alpha", "beta"], "127.0.0.1:1", db_url))
    app = create_app(config, migrate=True)
    yield Province(config, app)
    app.extensions["zhaoshang_province"].engine.dispose()


def receive(hub: Province, city: str, sequences: range | list[int], ago: dt.timedelta,
            kind: str = "zhaoshang.lead.noted") -> None:
    """Inbox rows as the consumer writes them, received ``ago``; the city's count follows."""
    received = utcnow() - ago
    with unit_of_work(hub.sessions) as session:
        session.execute(sa.insert(InboxEvent), [
            {"source": f"/zhaoshang/{city}", "id": f"{city}-{n}", "city": city, "type": kind,
             "sequence": n, "event_time": received, "received_at": received,
             "topic": f"zs.{city}", "partition": 0, "offset": n} for n in sequences])
        state = session.get(CityState, city) or CityState(city=city, events=0, pruned_events=0)
        state.events += len(sequences)
        session.add(state)


def snapshot(hub: Province, city: str, sequence: int, events_before: int,
             ago: dt.timedelta) -> None:
    """A snapshot event received ``ago`` (with its inbox row)."""
    receive(hub, city, [sequence], ago, kind="zhaoshang.city.snapshot")
    with unit_of_work(hub.sessions) as session:
        session.add(CitySnapshot(event_id=f"{city}-{sequence}", city=city, sequence=sequence,
                                 event_time=utcnow() - ago,
                                 data={"events_before": events_before}))


def inbox(hub: Province, city: str) -> list[int]:
    with hub.sessions() as session:
        return list(session.scalars(sa.select(InboxEvent.sequence).where(InboxEvent.city == city)
                                    .order_by(InboxEvent.sequence)))


def state(hub: Province, city: str) -> tuple[int, int, int | None]:
    with hub.sessions() as session:
        row = session.get(CityState, city)
        return row.events, row.pruned_events, row.pruned_through_sequence


def received_before(hub: Province, city: str) -> int:
    with hub.sessions() as session:
        [row] = [r for r in completeness(session, hub.config) if r["city"] == city]
        return row["received_before_snapshot"]


def test_old_rows_below_the_newest_snapshot_go_and_their_count_moves_to_the_city(hub):
    receive(hub, "alpha", range(1, 21), OLD)  # 1..20 received long ago
    snapshot(hub, "alpha", 21, 20, OLD)
    receive(hub, "alpha", range(22, 26), OLD)  # old, but above the newest snapshot
    receive(hub, "alpha", range(26, 31), RECENT)
    snapshot(hub, "alpha", 31, 30, RECENT)
    receive(hub, "alpha", range(32, 36), OLD)  # above the newest snapshot: kept however old
    before = received_before(hub, "alpha")
    assert before == 30

    assert prune_inbox(hub.sessions, hub.config) == 25
    # 1..25 were old and below 31 (the snapshot row 21 too); 26..31 are recent; 32..35 above.
    assert inbox(hub, "alpha") == list(range(26, 36))
    assert state(hub, "alpha") == (35, 25, 25)
    # Completeness counts the same events received before the snapshot, pruned or not.
    assert received_before(hub, "alpha") == before
    assert prune_inbox(hub.sessions, hub.config) == 0
    assert state(hub, "alpha") == (35, 25, 25)


def test_a_city_without_a_snapshot_keeps_its_whole_inbox(hub):
    receive(hub, "alpha", range(1, 6), OLD)
    receive(hub, "beta", range(1, 6), OLD)
    snapshot(hub, "beta", 6, 5, OLD)
    receive(hub, "beta", [7], OLD)
    assert prune_inbox(hub.sessions, hub.config) == 5
    assert inbox(hub, "alpha") == [1, 2, 3, 4, 5]
    assert state(hub, "alpha") == (5, 0, None)
    assert inbox(hub, "beta") == [6, 7]


def test_batches_add_up_and_the_window_is_configurable(db_url):
    from province.app import create_app

    raw = province_config("zs", ["alpha"], "127.0.0.1:1", db_url) | {
        "retention": {"inbox_keep_days": 2}}
    config = build_config(raw)
    app = create_app(config, migrate=True)
    hub = Province(config, app)
    try:
        receive(hub, "alpha", range(1, 12), dt.timedelta(days=3))
        receive(hub, "alpha", range(12, 15), RECENT)
        snapshot(hub, "alpha", 15, 14, RECENT)
        assert prune_inbox(hub.sessions, config, batch_size=4) == 11
        assert inbox(hub, "alpha") == [12, 13, 14, 15]
        assert state(hub, "alpha")[1:] == (11, 11)
    finally:
        app.extensions["zhaoshang_province"].engine.dispose()


def test_the_keep_window_is_at_least_a_day():
    raw = province_config("zs", ["alpha"], "127.0.0.1:1", "sqlite://") | {
        "retention": {"inbox_keep_days": 0}}
    with pytest.raises(ConfigError, match="inbox_keep_days"):
        build_config(raw)
    assert build_config(province_config("zs", ["alpha"], "x", "sqlite://")).inbox_keep_days == 30


def test_old_snapshots_beyond_the_newest_ten_go_recent_ones_stay(hub):
    for n in range(1, 15):  # 14 old snapshots at sequences 10, 20, … 140
        snapshot(hub, "alpha", n * 10, n, OLD)
    snapshot(hub, "alpha", 5, 0, RECENT)  # an older sequence, but received within the window
    prune_inbox(hub.sessions, hub.config)
    with hub.sessions() as session:
        kept = sorted(session.scalars(sa.select(CitySnapshot.sequence)))
    assert kept == [5] + [n * 10 for n in range(5, 15)]


def test_the_prune_command(db_url, tmp_path):
    from core import cli

    path = tmp_path / "province.toml"
    path.write_text(f'[cities]\ncollect = ["alpha"]\n[database]\nurl = "{db_url}"\n')
    config = build_config(province_config("zs", ["alpha"], "x", db_url))
    from province.app import create_app

    app = create_app(config, migrate=True)
    hub = Province(config, app)
    try:
        receive(hub, "alpha", range(1, 4), OLD)
        snapshot(hub, "alpha", 4, 3, OLD)
        result = CliRunner().invoke(cli.main, ["province", "prune", "--config", str(path)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output.strip().splitlines()[-1]) == {"deleted": 3}
        assert inbox(hub, "alpha") == [4]
    finally:
        app.extensions["zhaoshang_province"].engine.dispose()
