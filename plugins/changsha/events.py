"""Changsha's own event types, declared through the ``event_types`` hook (docs/events.md)."""

from __future__ import annotations

from core.toolkit import EventType, loose

PLUGIN = "changsha"

EVENT_TYPES: list[EventType] = [
    EventType("changsha_target", "added", "a target enterprise entered a chain map library",
              loose(id="integer", name="string", library="string", headquarters_type="string",
                    xiangshang="boolean", chain="string", link="string", segment="string",
                    industry="string", status="string", status_label="string"),
              owner=PLUGIN),
]
