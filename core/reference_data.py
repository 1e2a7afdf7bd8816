"""Loading a city's unit tree from its configuration into its database.

Units are configuration (a city re-organises by editing its file); the database
copy exists so rows can refer to them. Sync is idempotent: it adds new units and
updates changed ones, and never deletes a unit that records still point at.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.city import City
from core.models import Unit


def sync_units(session: Session, city: City) -> int:
    """Create or update the configured units; returns how many changed."""
    existing = {unit.code: unit for unit in session.scalars(sa.select(Unit))}
    changed = 0
    for item in city.config["units"]:
        unit = existing.get(item["code"])
        if unit is None:
            unit = Unit(code=item["code"])
            session.add(unit)
            existing[item["code"]] = unit
        values = {"name": item["name"], "kind": item["kind"], "park_level": item["park_level"],
                  "designated_industries": list(item["industries"])}
        if any(getattr(unit, key, None) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            changed += 1
    session.flush()
    for item in city.config["units"]:
        parent = existing.get(item["parent"]) if item["parent"] else None
        unit = existing[item["code"]]
        if unit.parent_id != (parent.id if parent else None):
            unit.parent_id = parent.id if parent else None
    return changed
