"""Reports (报表): named tables a city offers through the ``reports`` hook.

Each :class:`~core.policy.Report` has Chinese column headings and a
``build(context, params)`` that returns rows (dicts keyed by the column keys).
The API lists them, returns their rows as JSON and exports them to ``.xlsx``
with the same writer as assessment rankings (:mod:`core.xlsx`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.policy import Report
from core.xlsx import table_workbook

if TYPE_CHECKING:
    from core.city import City


@dataclass
class ReportContext:
    """What a report's ``build`` reads: the session and the city."""

    session: Session
    city: City


def city_reports(city: City) -> dict[str, Report]:
    """The city's reports by code (the first report with a code wins)."""
    reports: dict[str, Report] = {}
    for report in city.call("reports"):
        reports.setdefault(report.code, report)
    return reports


def report_rows(session: Session, city: City, report: Report, params: dict[str, Any]
                ) -> list[dict[str, Any]]:
    """Run a report: its rows, each reduced to the report's columns."""
    keys = [key for key, _ in report.columns]
    rows = report.build(ReportContext(session=session, city=city), params) or []
    return [{key: row.get(key) for key in keys} for row in rows]


def report_workbook(report: Report, rows: list[dict[str, Any]], params: dict[str, Any]) -> bytes:
    """The report as ``.xlsx`` with its Chinese headings."""
    headings = [heading for _, heading in report.columns]
    keys = [key for key, _ in report.columns]
    notes = [("报表", report.name)] + [(f"参数 {key}", value) for key, value in params.items()]
    return table_workbook(report.name, headings, ([row[key] for key in keys] for row in rows),
                          notes)
