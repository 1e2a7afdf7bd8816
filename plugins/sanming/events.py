"""Sanming's own event types, declared through the ``event_types`` hook (docs/events.md).

The first-contact types were published as ``zhaoshang.lead.sanming_first_contact_*``
(the prefix on the fact); ``formerly`` keeps those names readable by the province.
"""

from __future__ import annotations

from core.toolkit import EventType, loose

PLUGIN = "sanming"

PARK_RESOURCE = loose(resource_id="integer", park="string", kind="string", name="string",
                      area="decimal", area_unit="string", reference_price="decimal",
                      status="string", offered_to="string", offered_on="date",
                      project_id="integer", taken_on="date")
ACCOUNTABILITY = loose(case_id="integer", kind="string", project_id="integer", unit="string",
                       opened_on="date", detail="string", proposed_measure="string",
                       measure="string", decided_on="date")
TAX_SETTLEMENT = loose(settlement_id="integer", project_id="integer", year="integer",
                       local_tax="decimal", from_unit="string", to_unit="string",
                       from_share="decimal", from_amount="decimal", to_amount="decimal",
                       confirmed_by_from="string", confirmed_by_to="string",
                       settled_on="date")
FIRST_CONTACT = loose(lead_id="integer", enterprise_id="integer", reporting_unit="string",
                      owner_unit="string", credited="boolean", linked_to="integer")

EVENT_TYPES: list[EventType] = [
    EventType("sanming_park_resource", "recorded", "a park resource was inventoried",
              PARK_RESOURCE, owner=PLUGIN),
    EventType("sanming_park_resource", "offered", "a park resource was offered to an investor",
              PARK_RESOURCE, owner=PLUGIN),
    EventType("sanming_park_resource", "taken", "a project took a park resource",
              PARK_RESOURCE | loose(project_name="string"), owner=PLUGIN),
    EventType("sanming_accountability", "opened", "an accountability case was opened",
              ACCOUNTABILITY, owner=PLUGIN),
    EventType("sanming_accountability", "decided", "an accountability case was decided",
              ACCOUNTABILITY, owner=PLUGIN),
    EventType("sanming_tax_settlement", "proposed", "a transferred project's tax split proposed",
              TAX_SETTLEMENT, owner=PLUGIN),
    EventType("sanming_tax_settlement", "confirmed", "one side confirmed a tax split",
              TAX_SETTLEMENT | loose(confirmed_by_unit="string"), owner=PLUGIN),
    EventType("sanming_tax_settlement", "settled", "both sides confirmed: the tax split is made",
              TAX_SETTLEMENT | loose(confirmed_by_unit="string"), owner=PLUGIN),
    EventType("sanming_meeting", "recorded", "a chain group or office meeting was recorded",
              loose(meeting_id="integer", kind="string", group="string", held_on="date",
                    chair="string"), owner=PLUGIN),
    EventType("sanming_lead", "first_contact_claimed", "a first report was credited (首报认定)",
              FIRST_CONTACT, owner=PLUGIN,
              formerly=("zhaoshang.lead.sanming_first_contact_claimed",)),
    EventType("sanming_lead", "first_contact_linked",
              "a later report was linked to the first reporter's lead", FIRST_CONTACT,
              owner=PLUGIN, formerly=("zhaoshang.lead.sanming_first_contact_linked",)),
    EventType("sanming_rolling_check", "recorded", "a yearly rolling check of a project",
              loose(check_id="integer", project_id="integer", year="integer", due_on="date",
                    checked_on="date", in_statistics="boolean", paying_tax="boolean",
                    investment_as_declared="boolean", declared_amount="decimal",
                    verified_amount="decimal", false_report="boolean", serious="boolean"),
              owner=PLUGIN),
    EventType("sanming_legal_review", "recorded",
              "an item of a project's 法规账 was reviewed (a re-recording supersedes the last)",
              loose(review_id="integer", project_id="integer", item="string",
                    finding="string", reason="string", department="string", reviewer="string",
                    reviewed_on="date", note="string", supersedes_id="integer",
                    change_reason="string"), owner=PLUGIN),
]
