"""The core's default hook implementations, registered ``trylast``.

A city overrides any of these by implementing the same hook: first-result hooks
stop at the city's answer; collected hooks add the city's results to these.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import hookimpl
from core.policy import TransferSharing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City
    from core.models import Lead, Project, Unit

# What every city needs before each stage (UK Data Hub style gates).
CORE_STAGE_FIELDS: dict[str, list[str]] = {
    "negotiating": ["name", "enterprise_id", "industry", "amount", "finding_unit_id"],
    "signed": ["host_unit_id", "agreement_amount", "milestones.start"],
    "started": ["milestones.completion"],
    # Completion has its own evidence: the actual completion date (a city may ask for more).
    "completed": ["milestones.completion.actual_on", "milestones.production"],
}


@hookimpl(trylast=True)
def route_lead(city: City, lead: Lead, session: Session) -> Unit | None:
    from core.services.lookups import unit_with_code

    return unit_with_code(session, city.config["city"]["office_unit"])


@hookimpl(trylast=True)
def lead_first_talk_deadline(city: City, lead: Lead) -> dt.date | None:
    days = city.policy["first_talk_working_days"]
    if days is None:
        return None
    return city.calendar.add_workdays(lead.reported_on, days)


@hookimpl(trylast=True)
def classify_project(city: City, project: Project) -> list[str]:
    if project.amount is not None and project.amount >= city.policy["major_project_threshold"]:
        return ["major"]
    return []


@hookimpl(trylast=True)
def tier_labels(city: City) -> dict[str, str]:
    return {"major": "重大项目"}


@hookimpl(trylast=True)
def stage_required_fields(city: City, project: Project, stage: str) -> list[str]:
    return CORE_STAGE_FIELDS.get(stage, [])


@hookimpl(trylast=True)
def transfer_sharing(
    city: City, project: Project, from_unit: Unit, to_unit: Unit
) -> TransferSharing:
    return TransferSharing(
        indicator_share_from=city.share("transfer_indicator_ratio"),
        tax_share_from=city.share("transfer_tax_ratio"),
        indicator_sharing_from=city.policy["indicator_sharing_from"],
        tax_sharing_from=city.policy["tax_sharing_from"],
    )


@hookimpl(trylast=True)
def matter_decision_level(city: City, matter: object, project: Project) -> str:
    return "office"
