"""Pingliang's demo: the seed's January–May 2023 figures and every rule at work.

Seed 002 (Gansu Daily, 2023-06-09): 157 out-of-province projects signed with
134亿元 (+102% year on year), 154 started (98%), 73亿元 arrived (54%). The first data set
reproduces exactly those figures through ``/api/v1/stats``; last year's
January–May signed 66.34亿元, so the growth is (134 − 66.34) ÷ 66.34 = 102%.

Then, dated relative to the demo's day (:mod:`plugins.pingliang.demo_rules`): the four lists,
major projects owned by leaders with their service team and a passed evaluation, maturing
projects scheduled, shared information, red/yellow/blue warnings, targets, points, published
assessments with their promotion funds and summons.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from plugins.pingliang import demo_rules

SIGNED_COUNT = 157
STARTED_COUNT = 154
SIGNED_AMOUNT = Decimal(1_340_000)  # 万元 = 134亿元
ARRIVED_AMOUNT = Decimal(730_000)  # 万元 = 73亿元
PREVIOUS_COUNT = 80
PREVIOUS_AMOUNT = Decimal(663_400)  # 万元, January–May 2022
CHANNELS = ["leader_led", "chain", "fair", "intermediary", "resident_office", "ambassador",
            "online_signing", "returning_natives"]
PROJECT_KINDS = ["煤电一体化", "红牛全产业链", "苹果精深加工", "光伏发电", "风电装备",
                 "静宁苹果冷链", "中医药产业园", "文旅康养"]
PERIOD_START = dt.date(2023, 1, 1)
PERIOD_END = dt.date(2023, 5, 31)


def split_exactly(total: Decimal, count: int, rng: Any, low: int, high: int) -> list[Decimal]:
    """``count`` whole amounts between ``low`` and ``high``-ish that sum to ``total``."""
    while True:
        parts = [Decimal(rng.randint(low, high)) for _ in range(count - 1)]
        rest = total - sum(parts)
        if low <= rest <= high * 2:
            return [*parts, rest]


def proportional(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Whole shares of ``total`` in proportion to ``weights``, summing exactly."""
    whole = sum(weights)
    shares = [(total * weight / whole).quantize(Decimal(1), rounding="ROUND_FLOOR")
              for weight in weights]
    shares[-1] += total - sum(shares)
    return shares


def day_in(rng: Any, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def load_2023_figures(demo: Any) -> None:
    rng = demo.random
    hosts = demo.host_units()
    amounts = split_exactly(SIGNED_AMOUNT, SIGNED_COUNT, rng, 2000, 15000)
    started_projects = []
    for index, amount in enumerate(amounts):
        signed = day_in(rng, PERIOD_START, dt.date(2023, 5, 20))
        started = index < STARTED_COUNT
        dates = {"signed": signed,
                 "started": day_in(rng, signed, PERIOD_END) if started else None}
        project = demo.project(
            name=f"{rng.choice(PROJECT_KINDS)}项目（2023-{index + 1:03d}）",
            unit=hosts[index % len(hosts)], amount=amount,
            stage="started" if started else "signed",
            dates={k: v for k, v in dates.items() if v},
            enterprise=demo.enterprise(out_of_province=True),
            channel=CHANNELS[index % len(CHANNELS)],
        )
        if started:
            started_projects.append(project)
    arrived = proportional(ARRIVED_AMOUNT, [p.amount for p in started_projects])
    for project, amount in zip(started_projects, arrived, strict=True):
        demo.funds(project, amount, day_in(rng, project.started_on, PERIOD_END))


def load(demo: Any) -> None:
    """The ``demo_data`` hook: gates first (they apply to the core's generic projects too)."""
    demo_rules.register_gates(demo)
    load_2022_figures(demo)
    load_2023_figures(demo)
    demo_rules.load(demo)


def load_2022_figures(demo: Any) -> None:
    rng = demo.random
    hosts = demo.host_units()
    amounts = split_exactly(PREVIOUS_AMOUNT, PREVIOUS_COUNT, rng, 3000, 12000)
    for index, amount in enumerate(amounts):
        signed = day_in(rng, dt.date(2022, 1, 1), dt.date(2022, 5, 31))
        demo.project(
            name=f"招商引资项目（2022-{index + 1:03d}）", unit=hosts[index % len(hosts)],
            amount=amount, stage="started",
            dates={"signed": signed, "started": day_in(rng, dt.date(2022, 6, 1),
                                                        dt.date(2022, 12, 31))},
            enterprise=demo.enterprise(out_of_province=True),
            channel=CHANNELS[index % len(CHANNELS)],
        )
