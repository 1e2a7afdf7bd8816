"""招商引资绩效考评 quality over quantity (Seed 三(三)3, POLICIES.md § lanzhou 8).

One yearly scheme whose points lean on 投资规模 (signed amount), 科技含量 (the signed amount of
high-tech projects), 税收贡献 (expected annual tax) and 固投贡献 (fixed-asset investment), with
the number of projects a small part. The plugin computes the last three per unit over the
projects signed in the year, each credited like the core's figures (transfer shares; tax by
the tax share), only for recognised projects (报备认定) and to their recognised introducing
unit (the finding side's share). Penalties of the year are
deductions; exempted ones (容错免责) are listed and not counted.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    AssessmentScheme,
    Indicator,
    Project,
    credit_shares,
    credited_units,
    withheld_credit,
)
from plugins.lanzhou.settings import settings

SCHEME = "lanzhou_year"
TECHNOLOGY, TAX, FIXED_ASSETS = "lanzhou_technology", "lanzhou_tax", "lanzhou_fixed_assets"


def schemes(city: Any) -> list[AssessmentScheme]:
    config = settings(city)["assessment"]
    return [AssessmentScheme(
        code=SCHEME, name="招商引资目标考核（年度）", period="year",
        unit_kinds=tuple(config["unit_kinds"]),
        indicators=tuple(Indicator(item["code"], item["name"], item["metric"], item["points"])
                         for item in config["indicators"]),
        adjustment_cap=config["adjustment_cap"])]


def _amount(project: Project, key: str) -> Decimal:
    value = (project.attributes or {}).get(key)
    return Decimal(value) if value is not None else Decimal(0)


def metrics(city: Any, context: Any) -> dict[str, dict[str, Decimal]]:
    session = context.session
    signed = [p for p in session.scalars(sa.select(Project).where(
        Project.signed_on.between(context.start, context.end)).order_by(Project.id))]
    withheld = withheld_credit(city, session, signed)
    finders = credited_units(city, session, signed)
    codes = {unit.id: unit.code for unit in context.units}
    values: dict[str, dict[str, Decimal]] = {name: defaultdict(Decimal)
                                             for name in (TECHNOLOGY, TAX, FIXED_ASSETS)}
    for project in signed:
        if project.id in withheld:
            continue
        shares = credit_shares(project, project.signed_on, finder=finders.get(project.id))
        for unit_id, share in shares.items():
            if unit_id not in codes:
                continue
            if (project.attributes or {}).get("high_tech") is True:
                values[TECHNOLOGY][codes[unit_id]] += Decimal(project.amount) * share
            values[FIXED_ASSETS][codes[unit_id]] += _amount(project, "fixed_assets") * share
        for unit_id, share in credit_shares(project, project.signed_on, "tax",
                                            finders.get(project.id)).items():
            if unit_id in codes:
                values[TAX][codes[unit_id]] += _amount(project, "annual_tax") * share
    return {name: dict(found) for name, found in values.items()}
