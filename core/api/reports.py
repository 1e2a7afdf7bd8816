"""``/api/v1/reports``: the city's named reports, as rows or as ``.xlsx``."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from core.api.registry import operation
from core.api.support import city, dumper, transaction
from core.events import to_json_value
from core.permissions import READER
from core.policy import Report
from core.problems import not_found
from core.reports import city_reports, report_rows, report_workbook
from core.schemas.reports import ReportInfoSchema, ReportRowsSchema
from core.xlsx import xlsx_download

blueprint = Blueprint("reports", __name__)


def _info(report: Report) -> dict:
    return {"code": report.code, "name": report.name,
            "columns": [{"key": key, "heading": heading} for key, heading in report.columns]}


def _report(code: str) -> Report:
    report = city_reports(city()).get(code)
    if report is None:
        raise not_found("报表", code)
    return report


@operation(blueprint, "/reports", summary="本市报表", response=ReportInfoSchema, many=True, who=READER)
def list_reports():
    return jsonify(ReportInfoSchema(many=True).dump(
        [_info(report) for report in city_reports(city()).values()]))


@operation(blueprint, "/reports/<code>.xlsx", summary="导出报表（Excel，中文表头）", errors=(404,),
           who=READER)
def export_report(code: str):
    """Query parameters are passed to the report as they are."""
    report = _report(code)
    params = request.args.to_dict()
    with transaction() as session:
        rows = report_rows(session, city(), report, params)
    return xlsx_download(report_workbook(report, rows, params), f"{report.name}.xlsx",
                         f"report-{report.code}.xlsx")


@operation(blueprint, "/reports/<code>", summary="报表数据", response=ReportRowsSchema,
           errors=(404,), who=READER)
def get_report(code: str):
    """Query parameters are passed to the report as they are."""
    report = _report(code)
    params = request.args.to_dict()
    with transaction() as session:
        rows = report_rows(session, city(), report, params)
    body = _info(report) | {"params": params, "rows": to_json_value(rows)}
    return jsonify(dumper(ReportRowsSchema).dump(body))
