"""``/api/v1/warnings``: open and cleared warnings, and recomputing them now."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import city, current_actor, dumper, load_body, load_query, paginate, transaction
from core.models import EarlyWarning
from core.permissions import OFFICE, READER
from core.schemas.warnings import (
    WarningQuery,
    WarningRecompute,
    WarningSchema,
    WarningSummarySchema,
)
from core.services import warnings as warning_service
from core.services.office import ensure_office

blueprint = Blueprint("warnings", __name__)

LEVEL_ORDER = sa.case({"red": 0, "overdue": 1, "yellow": 2, "blue": 3}, value=EarlyWarning.level)


@operation(blueprint, "/warnings", summary="预警列表（红黄蓝及超期）", query=WarningQuery,
           response=WarningSchema, many=True, who=READER)
def list_warnings():
    """Open warnings by default (``state=cleared`` or ``all`` for history), gravest first."""
    params = load_query(WarningQuery)
    with transaction() as session:
        query = sa.select(EarlyWarning)
        if params["state"] == "open":
            query = query.where(EarlyWarning.cleared_at.is_(None))
        elif params["state"] == "cleared":
            query = query.where(EarlyWarning.cleared_at.is_not(None))
        for key, column in (("level", EarlyWarning.level), ("subject_type", EarlyWarning.subject_type),
                            ("subject_id", EarlyWarning.subject_id), ("unit", EarlyWarning.unit_code),
                            ("rule", EarlyWarning.rule_code)):
            if params.get(key) is not None:
                query = query.where(column == params[key])
        if not params.get("sort"):
            query = query.order_by(LEVEL_ORDER, EarlyWarning.since)
        return paginate(session, query, params,
                        {"since": EarlyWarning.since, "raised_at": EarlyWarning.raised_at,
                         "level": LEVEL_ORDER, "subject_type": EarlyWarning.subject_type,
                         "subject_id": EarlyWarning.subject_id}, WarningSchema, EarlyWarning.id)


@operation(blueprint, "/warnings/recompute", "POST", summary="重新计算全市预警",
           body=WarningRecompute, response=WarningSummarySchema, errors=(400, 403), who=OFFICE)
def recompute_warnings():
    """Runs every warning rule now (what the scheduled ``zhaoshang schedule`` does daily).

    With ``today`` it is a dry run: it answers what would be raised, changed and cleared as of
    that day and stores nothing (no warning, no event). Only a run as of the city's today writes.
    """
    data = load_body(WarningRecompute)
    ensure_office(current_actor(), "重新计算预警")
    dry_run = data.get("today") is not None
    today = data.get("today") or city().clock.today()
    with transaction() as session:
        summary = warning_service.recompute(session, city(), today, dry_run=dry_run)
        return jsonify(dumper(WarningSummarySchema).dump(
            summary.as_dict() | {"today": today, "dry_run": dry_run, "details": summary.details}))
