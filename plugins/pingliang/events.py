"""Pingliang's own event types, declared through the ``event_types`` hook (docs/events.md)."""

from __future__ import annotations

from core.toolkit import EventType, loose

PLUGIN = "pingliang"

PINGLIANG_LIST_ITEM = loose(list="string", item_id="integer", name="string", unit="string",
                           item="object")
PINGLIANG_INFORMATION = loose(information_id="integer", title="string", unit="string",
                              industry="string", enterprise_name="string", shared_on="date",
                              lead_id="integer")

EVENT_TYPES: list[EventType] = [
    EventType("pingliang_list_item", "added", "an item entered one of the four lists (四张清单)",
              PINGLIANG_LIST_ITEM, owner=PLUGIN),
    EventType("pingliang_list_item", "updated", "an item of the four lists changed",
              PINGLIANG_LIST_ITEM, owner=PLUGIN),
    EventType("pingliang_list_item", "removed", "an item left one of the four lists",
              PINGLIANG_LIST_ITEM, owner=PLUGIN),
    EventType("pingliang_scheduling", "recorded", "a maturing project was scheduled (趋熟项目调度)",
              loose(scheduling_id="integer", project_id="integer", scheduled_on="date",
                    progress="string", problems="string", next_steps="string"),
              owner=PLUGIN),
    EventType("pingliang_information", "shared", "a unit shared investment information",
              PINGLIANG_INFORMATION, owner=PLUGIN),
    EventType("pingliang_information", "followed_up", "a lead was reported from shared information",
              PINGLIANG_INFORMATION, owner=PLUGIN),
    EventType("pingliang_target", "set", "a year's target was set for a unit or a leader",
              loose(target_id="integer", year="integer", assignee="string", metric="string",
                    target="decimal"), owner=PLUGIN),
    EventType("pingliang_points", "recorded", "the office recorded plus or minus points",
              loose(item_id="integer", unit="string", occurred_on="date", points="decimal",
                    reason="string"), owner=PLUGIN),
]

# 帮办代办 (Pingliang rule 7): a request's state after each step, and the step itself.
PINGLIANG_SERVICE_REQUEST = loose(
    request_id="integer", project_id="integer", kind="string", need="string", unit="string",
    raised_by_unit="string", raised_on="date", due_on="date", due_workdays="integer",
    status="string", closed_on="date", outcome="string", actor="string")
PINGLIANG_SERVICE_STEP = PINGLIANG_SERVICE_REQUEST | loose(step="string", occurred_on="date",
                                                           note="string")

EVENT_TYPES += [
    EventType("pingliang_service_request", "raised",
              "a 帮办代办 request was raised for a project and assigned to a service unit",
              PINGLIANG_SERVICE_REQUEST, owner=PLUGIN),
    EventType("pingliang_service_request", "accepted", "the service unit accepted (受理) it",
              PINGLIANG_SERVICE_STEP, owner=PLUGIN),
    EventType("pingliang_service_request", "in_progress", "the service unit is handling it (办理中)",
              PINGLIANG_SERVICE_STEP, owner=PLUGIN),
    EventType("pingliang_service_request", "completed", "the request was closed with its result (办结)",
              PINGLIANG_SERVICE_STEP, owner=PLUGIN),
    EventType("pingliang_service_request", "returned", "the request was returned with a reason (退回)",
              PINGLIANG_SERVICE_STEP, owner=PLUGIN),
]
