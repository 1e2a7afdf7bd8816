"""Where a chain's enterprises and targets are (招商地图的地理视图): counted per county, parks
under their county, for the map the web draws (ECharts' map component over the city's county
boundaries) and the table beside it.

The counties are the city's county-level divisions (县、区、县级市; GB/T 2260, ``core.divisions``),
found from ``[city] name`` and ``province``. A unit of kind county, district or city (县级市) is
the division of the same name; a park (园区/开发区) lies in the county of its nearest such
ancestor unit (长沙经开区 → 长沙县). A park with none (兰州新区 spans two counties) is counted
as itself, beside the map.

An enterprise present on a chain is where its project is hosted; a project hosted by a unit in
no county (the office, a department) is placed by the enterprise's registering division
(``division_code``, from its credit code) when that lies in the city. A target is placed by its
credit code's division: a county of the city, else outside the city (市外); with no code it is
unplaced (未定位). An enterprise counts once per county (and once per park) whatever its number
of projects there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.city import City
from core.divisions import city_division, counties_of, place_key
from core.models import Project, Unit
from core.policy import MapTarget

COUNTY_KINDS = ("county", "district", "city")


@dataclass(frozen=True)
class Places:
    counties: dict[str, str]  # division code → name, in code order
    county_of_unit: dict[str, str]  # unit code → division code (units in a county only)
    parks: dict[str, str]  # park unit code → name
    park_county: dict[str, str | None]  # park unit code → its county's division code


def city_places(session: Session, city: City) -> Places:
    """The city's counties and where each of its units lies."""
    counties = counties_of(city_division(city.province_code, city.name))
    by_key = {place_key(name): code for code, name in counties.items()}
    units = {row.id: row for row in session.execute(
        sa.select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id))}

    def county(unit_id: int | None) -> str | None:
        seen: set[int] = set()
        while unit_id is not None and unit_id in units and unit_id not in seen:
            seen.add(unit_id)
            unit = units[unit_id]
            if unit.kind in COUNTY_KINDS:
                return by_key.get(place_key(unit.name))
            unit_id = unit.parent_id
        return None

    county_of_unit = {u.code: c for u in units.values() if (c := county(u.id)) is not None}
    parks = {u.code: u.name for u in units.values() if u.kind == "park"}
    return Places(counties, county_of_unit, parks,
                  {code: county_of_unit.get(code) for code in parks})


def _target_division(target: MapTarget) -> str | None:
    code = (target.credit_code or "").strip()
    return code[2:8] if len(code) == 18 and code[2:8].isdigit() else None


def geography(places: Places, projects: Iterable[Project],
              targets: Iterable[MapTarget]) -> dict[str, Any]:
    """One chain's enterprises (of ``projects``) and ``targets`` counted per county and park."""
    enterprises: dict[str, set[int]] = defaultdict(set)
    in_park: dict[str, set[int]] = defaultdict(set)
    unplaced_enterprises: set[int] = set()
    for project in projects:
        host = project.host_unit.code
        county = places.county_of_unit.get(host)
        if host in places.parks:
            in_park[host].add(project.enterprise_id)
        elif county is None and project.enterprise.division_code in places.counties:
            county = project.enterprise.division_code
        if county is not None:
            enterprises[county].add(project.enterprise_id)
        elif host not in places.parks:
            unplaced_enterprises.add(project.enterprise_id)
    target_counts: dict[str, int] = defaultdict(int)
    elsewhere = unplaced_targets = 0
    for target in targets:
        division = _target_division(target)
        if division in places.counties:
            target_counts[division] += 1  # type: ignore[index]
        elif division is not None:
            elsewhere += 1
        else:
            unplaced_targets += 1

    def park_rows(county: str | None) -> list[dict[str, Any]]:
        return [{"code": code, "name": places.parks[code], "enterprises": len(ids)}
                for code, ids in sorted(in_park.items())
                if places.park_county[code] == county and ids]

    return {
        "areas": [{"code": code, "name": name, "enterprises": len(enterprises[code]),
                   "targets": target_counts[code], "parks": park_rows(code)}
                  for code, name in places.counties.items()],
        "parks": park_rows(None),
        "targets_elsewhere": elsewhere,
        "unplaced": {"enterprises": len(unplaced_enterprises), "targets": unplaced_targets},
    }
