"""Who may do what in Ziyang (issue 17): the units of its records and its office-only fields.

Each operation declares its rule with the core's vocabulary (``READER``, ``OWN_UNIT``,
``OFFICE`` …) and the city service enforces it before the view runs; what Ziyang adds is here:

* ``HOST_UNIT`` — fulfilment (履约评估结论) is the host county or zone's duty (载体单位, Seed 六):
  its clerk records it, nobody else's; the office may too.
* Gate evidence a clerk must not attest alone (Seed 五): the legal review of the agreement
  (``attributes.legal_review``, 合法性审查) and the city government's executive meeting
  (``attributes.executive_meeting``, 市政府常务会议审议). Both open the way to signing, so the
  office records them; a clerk who sends either key at all (even null, to clear it) is refused
  with 403 ``forbidden_field`` naming the field, and nothing is written.
"""

from __future__ import annotations

from core.toolkit import OWN_UNIT, project_host_unit

HOST_UNIT = OWN_UNIT.of(project_host_unit)
