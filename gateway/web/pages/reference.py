"""The city's reference data a form offers (units, industries, channels), read once a request."""

from __future__ import annotations

from typing import Any

from flask import g

from core.lifecycle import STAGE_LABELS, Stage
from core.models.leads import LEAD_CHANNELS, LEAD_STATUS_LABELS
from gateway.web.base import api

CHANNELS = dict(LEAD_CHANNELS)
LEAD_STATUSES = {str(status.value): label for status, label in LEAD_STATUS_LABELS.items()}
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


def matter_kinds() -> dict[str, str]:
    from core.models.matters import MATTER_KINDS

    return dict(MATTER_KINDS)


def decision_levels() -> dict[str, str]:
    from core.models.matters import DECISION_LEVELS

    return dict(DECISION_LEVELS)
