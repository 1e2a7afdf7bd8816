"""``/api/v1/signals``: anti-gaming signals over a date range."""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import city, current_actor, dumper, load_query, transaction
from core.events import to_json_value
from core.permissions import OFFICE
from core.schemas.signals import SignalQuery, SignalsSchema
from core.services.office import ensure_office
from core.signals import compute_signals

blueprint = Blueprint("signals", __name__)


@operation(blueprint, "/signals", summary="异常信号：突击上报、倒签、同一企业多单位报送",
           query=SignalQuery, response=SignalsSchema, errors=(403,), who=OFFICE)
def get_signals():
    params = load_query(SignalQuery)
    ensure_office(current_actor(), "查看异常信号")
    with transaction() as session:
        body = to_json_value(compute_signals(session, city(), params["date_from"],
                                             params["date_to"], params["backdate_days"]))
        body |= {"date_from": params["date_from"], "date_to": params["date_to"]}
        return jsonify(dumper(SignalsSchema).dump(body))
