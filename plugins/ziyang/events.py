"""Ziyang's own event types, declared through the ``event_types`` hook (docs/events.md).

Each is named ``zhaoshang.ziyang_<aggregate>.<fact>``. The first four were published without
the city's prefix; ``formerly`` keeps the old names so the province still reads records
written under them.
"""

from __future__ import annotations

from core.toolkit import EventType, loose

PLUGIN = "ziyang"

SIX_ONE = loose(id="integer", group="string", kind="string", name="string", unit="string",
                reference="string", appointed_on="date", ended_on="date")

EVENT_TYPES: list[EventType] = [
    EventType("ziyang_industry_group", "six_one_added", "one of a chain group's 六个一 was named",
              SIX_ONE, owner=PLUGIN, formerly=("zhaoshang.industry_group.six_one_added",)),
    EventType("ziyang_industry_group", "six_one_ended", "one of a chain group's 六个一 ended",
              SIX_ONE | loose(actor="string"), owner=PLUGIN,
              formerly=("zhaoshang.industry_group.six_one_ended",)),
    EventType("ziyang_project", "fulfilment_evaluated",
              "a fulfilment evaluation's outcome (履约评估)",
              loose(result_id="integer", project_id="integer", outcome="string",
                    evaluation_id="integer", evaluated_on="date", evaluating_unit="string",
                    basis="string", incentive_policy="string", incentive_amount="decimal",
                    paid_on="date", partner="string", stage="string", status="string"),
              owner=PLUGIN, formerly=("zhaoshang.project.fulfilment_evaluated",)),
    EventType("ziyang_meeting", "held", "a scheduling meeting was held", loose(
        meeting_id="integer", kind="string", held_on="date", chair="string", title="string",
        decisions="string", project_ids="array"), owner=PLUGIN,
        formerly=("zhaoshang.meeting.held",)),
]
