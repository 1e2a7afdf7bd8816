"""Lanzhou's own event types, declared through the ``event_types`` hook (docs/events.md)."""

from __future__ import annotations

from core.toolkit import EventType, loose

PLUGIN = "lanzhou"

LANZHOU_REGISTRATION = loose(registration_id="integer", project_id="integer",
                             introducing_unit="string", intermediary_id="integer",
                             registered_on="date", status="string", decided_on="date",
                             decided_by="string")
LANZHOU_PENALTY = loose(penalty_id="integer", unit="string", project_id="integer",
                        occurred_on="date", points="decimal", reason="string",
                        exempted="boolean", exemption_reason="string",
                        exemption_conditions="array", approver="string", exempted_on="date")
LANZHOU_TARGET = loose(target_id="integer", name="string", category="string", region="string",
                       industry="string", responsible_unit="string", status="string")

EVENT_TYPES: list[EventType] = [
    EventType("lanzhou_registration", "registered",
              "a project's introducing unit and intermediary were registered (报备)",
              LANZHOU_REGISTRATION, owner=PLUGIN),
    EventType("lanzhou_registration", "recognised",
              "the office recognised a registration (认定): the project earns credit",
              LANZHOU_REGISTRATION, owner=PLUGIN),
    EventType("lanzhou_registration", "refused", "the office refused to recognise a registration",
              LANZHOU_REGISTRATION, owner=PLUGIN),
    EventType("lanzhou_registration", "changed",
              "the office changed a decided registration (变更认定: introducing unit, intermediary "
              "or decision), with the reason and what it replaced",
              LANZHOU_REGISTRATION | loose(change="object"), owner=PLUGIN),
    EventType("lanzhou_penalty", "recorded", "a unit's assessment penalty was recorded",
              LANZHOU_PENALTY, owner=PLUGIN),
    EventType("lanzhou_penalty", "exempted",
              "a penalty was exempted (容错免责): kept on record, not counted",
              LANZHOU_PENALTY, owner=PLUGIN),
    EventType("lanzhou_target", "added", "a target enterprise entered the library",
              LANZHOU_TARGET, owner=PLUGIN),
    EventType("lanzhou_target", "status_changed", "the approach to a target moved on",
              LANZHOU_TARGET, owner=PLUGIN),
    EventType("lanzhou_promotion", "recorded", "a city-level promotion event was recorded",
              loose(promotion_id="integer", held_on="date", place="string", theme="string",
                    industry="string", organiser_unit="string"), owner=PLUGIN),
]
