"""The city's reference data a form offers (units, industries, channels), read once a request.

Labels of codes (招商方式, 事项类别, 线索状态, 决策层级) are the city's own: asked of the city
(``GET /labels``) and kept per city for a while (gateway.labels), never imported from the core.
"""

from __future__ import annotations

from typing import Any

from flask import g

from core.lifecycle import STAGE_LABELS, Stage
from gateway.runtime import gateway
from gateway.web.base import api

STAGES = {stage.value: STAGE_LABELS[stage] for stage in Stage}


def _cached(key: str, load: Any) -> Any:
    cache = g.setdefault("reference", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def units(city: str) -> list[dict[str, Any]]:
    return _cached(f"units:{city}", lambda: api().city(
        city, "GET", "units", {"per_page": 500, "sort": "code"}).items())


def unit_names(city: str) -> dict[str, str]:
    return {unit["code"]: unit["name"] for unit in units(city)}


def profile(city: str) -> dict[str, Any]:
    return _cached(f"profile:{city}", lambda: api().city(city, "GET", "city").body or {})


def industries(city: str) -> dict[str, str]:
    return {item["code"]: item.get("name", item["code"])
            for item in profile(city).get("industries", [])}


def labels(city: str, name: str) -> dict[str, str]:
    """Code → label of the city's list ``name`` (``lead_channels``, ``matter_kinds``…)."""
    every = _cached(f"labels:{city}", lambda: gateway().labels.get(
        city, lambda: api().city(city, "GET", "labels")))
    return every.get(name, {})


def channels(city: str) -> dict[str, str]:
    return labels(city, "lead_channels")


def lead_statuses(city: str) -> dict[str, str]:
    return labels(city, "lead_statuses")


def matter_kinds(city: str) -> dict[str, str]:
    return labels(city, "matter_kinds")


def decision_levels(city: str) -> dict[str, str]:
    return labels(city, "decision_levels")
