"""节会展会与专题推介 monthly promotion events (Seed 三(六)3, POLICIES.md § lanzhou 12).

The seed asks for one city-level thematic promotion event out of town every month
(争取每月赴外地举办1次市级层面专题招商推介活动). The office records each event; the year's
calendar shows, month by month, how many were held against ``per_month`` and which months
fell short (months still to come are not counted as short).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import sqlalchemy as sa

from core.toolkit import record_event, unit_by_code
from plugins.lanzhou.models import Promotion
from plugins.lanzhou.settings import settings


def promotion_event_data(row: Promotion) -> dict[str, Any]:
    return {"promotion_id": row.id, "held_on": row.held_on, "place": row.place,
            "theme": row.theme, "industry": row.industry,
            "organiser_unit": row.organiser_unit_code}


def record_promotion(session: Any, city: Any, data: dict[str, Any], actor: Any) -> Promotion:
    unit = unit_by_code(session, data.get("organiser_unit") or city.config["city"]["office_unit"],
                        "organiser_unit")
    row = Promotion(held_on=data["held_on"], place=data["place"], theme=data["theme"],
                    industry=data.get("industry"), organiser=unit, recorded_by=actor.user)
    session.add(row)
    session.flush()
    record_event(session, city, "lanzhou_promotion", row.id, "recorded",
                 promotion_event_data(row))
    return row


def calendar(city: Any, session: Any, year: int, today: dt.date) -> dict[str, Any]:
    per_month = settings(city)["promotion"]["per_month"]
    rows = list(session.scalars(sa.select(Promotion).where(Promotion.held_on.between(
        dt.date(year, 1, 1), dt.date(year, 12, 31))).order_by(Promotion.held_on)))
    held = Counter(row.held_on.month for row in rows)
    months = []
    for month in range(1, 13):
        over = (year, month) < (today.year, today.month)
        months.append({"month": f"{year}-{month:02d}", "held": held.get(month, 0),
                       "required": per_month,
                       "short": over and held.get(month, 0) < per_month})
    return {"year": year, "per_month": per_month, "months": months,
            "short_months": [m["month"] for m in months if m["short"]],
            "events": rows}
