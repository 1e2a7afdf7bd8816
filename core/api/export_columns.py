"""The columns of a list's export as people read them: names where the API answers codes.

The JSON of a list answers codes (``industry: modern_services``, ``host_unit: lingang_zone``)
and, for some, a label beside them (``channel_label``). A workbook shows the page's words:

* a code with a label beside it (``x_label``, ``x_name``, ``tiers``/``tier_names``) is one
  column, the label, under the code's heading (``channel`` → 招商方式);
* a unit, industry, channel or stage code alone becomes its Chinese name (core.choices, the
  same lookup the ledger import reads names back with);
* the city's own fields (``attributes``) are one column each, headed by their Chinese label
  (the ``field_labels`` hook), in the order the rows first name them;
* an amount's heading says 万元; the record version (an ETag detail) is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import fields

from core.schemas.base import Money
from core.schemas.titles import field_title

UNIT_FIELDS = ("unit", "owner_unit", "reporting_unit", "routed_to_unit", "first_talk_unit",
               "finding_unit", "host_unit", "from_unit", "to_unit", "parent_code")
CHOICE_OF_FIELD = {**dict.fromkeys(UNIT_FIELDS, "unit"), "industry": "industry",
                   "channel": "channel", "stage": "stage", "from_stage": "stage",
                   "to_stage": "stage", "next_stage": "stage"}
# A code whose name comes in a field of another name (a code list's names; an id's name).
SIBLINGS = {"tiers": "tier_names", "intermediary_id": "intermediary_name"}
HIDDEN = {"version"}
ATTRIBUTES = "attributes"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[dict[str, Any]], Any]  # the cell's value from a JSON row


def _label_for(key: str, keys: set[str]) -> str | None:
    for candidate in (f"{key}_label", f"{key}_name", SIBLINGS.get(key)):
        if candidate and candidate in keys:
            return candidate
    return None


def export_columns(schema_fields: list[tuple[str, fields.Field]], rows: list[dict[str, Any]],
                   names: dict[str, dict[str, str]], attribute_labels: dict[str, str],
                   cell: Callable[[fields.Field, Any], Any]) -> list[Column]:
    """The columns of ``rows`` (JSON objects dumped by the fields ``schema_fields``).

    ``names`` maps a choice (``unit``, ``industry`` …) to its code → name; ``attribute_labels``
    maps ``attributes.x`` to the field's Chinese label; ``cell`` turns a JSON value into a
    cell's value (dates, decimals).
    """
    by_key = {field.data_key or name: (name, field) for name, field in schema_fields}
    labels = {_label_for(key, set(by_key)) for key in by_key} - {None}
    columns: list[Column] = []
    for key, (name, field) in by_key.items():
        if key in HIDDEN or key in labels:
            continue
        heading = field_title(name, field)
        label = _label_for(key, set(by_key))
        if label is not None:
            label_field = by_key[label][1]
            # The label's own title where the schema gives one, else the code's heading.
            shown = label_field.metadata.get("title") or heading.removesuffix("代码")
            columns.append(Column(shown,
                                  lambda row, k=label, f=label_field: cell(f, row.get(k))))
        elif key == ATTRIBUTES and isinstance(field, fields.Dict):
            columns.extend(_attribute_columns(rows, attribute_labels, cell))
        elif key in CHOICE_OF_FIELD:
            choice = names.get(CHOICE_OF_FIELD[key], {})
            columns.append(Column(heading.removesuffix("代码"), lambda row, k=key, f=field, c=choice:
                                  _named(cell(f, row.get(k)), c)))
        else:
            if isinstance(field, Money) and "万元" not in heading:
                heading += "（万元）"
            columns.append(Column(heading, lambda row, k=key, f=field: cell(f, row.get(k))))
    return columns


def _named(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    return value


def _attribute_columns(rows: list[dict[str, Any]], labels: dict[str, str],
                       cell: Callable[[fields.Field, Any], Any]) -> list[Column]:
    keys: dict[str, None] = {}
    for row in rows:
        for key in row.get(ATTRIBUTES) or {}:
            keys.setdefault(key)
    inner = fields.Raw()
    # A field the city has not named in Chinese is still marked as the city's own.
    return [Column(labels.get(f"{ATTRIBUTES}.{key}") or f"本市字段（{key}）",
                   lambda row, k=key: cell(inner, (row.get(ATTRIBUTES) or {}).get(k)))
            for key in keys]


__all__ = ["Column", "export_columns"]
