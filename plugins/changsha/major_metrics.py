"""Per-unit figures of major projects, credited once through transfers.

The leading group's assessment (四(十四): 重点考核重大招商项目的引进情况) and the
half-year review (半年度讲评) both rank units by the major projects they brought
in; a transferred project is split between the finding and the host unit by the
city's ratio, as every other figure is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.toolkit import City, Project, Unit, credit_shares
from plugins.changsha.majors import is_major

MAJOR_METRICS = {
    "changsha_major_signed": "重大项目签约数",
    "changsha_major_signed_amount": "重大项目签约额（万元）",
    "changsha_major_started": "重大项目开工数",
}
ZERO = Decimal(0)


def major_metrics(session: Session, city: City, start: dt.date, end: dt.date
                  ) -> dict[str, dict[str, Decimal]]:
    """``{metric: {unit_code: value}}`` for major projects signed or started in the period."""
    codes = {unit_id: code for unit_id, code in session.execute(sa.select(Unit.id, Unit.code))}
    values: dict[str, dict[str, Decimal]] = {name: defaultdict(lambda: ZERO) for name in MAJOR_METRICS}
    projects = session.scalars(sa.select(Project).where(Project.signed_on.is_not(None))
                               .options(selectinload(Project.transfers))).unique()
    for project in projects:
        signed = start <= project.signed_on <= end
        started = project.started_on is not None and start <= project.started_on <= end
        if not (signed or started) or not is_major(city, project):
            continue
        for unit_id, share in credit_shares(project, end).items():
            code = codes[unit_id]
            if signed:
                values["changsha_major_signed"][code] += share
                values["changsha_major_signed_amount"][code] += share * project.amount
            if started:
                values["changsha_major_started"][code] += share
    return {name: dict(by_unit) for name, by_unit in values.items()}
