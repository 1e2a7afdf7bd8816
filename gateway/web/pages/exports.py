"""Every list to ``.xlsx`` exactly as filtered: the API writes the workbook (Chinese headings),
the interface hands it over as the signed-in person."""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from gateway.web.base import api, blueprint, check_city, refused
from gateway.web.client import Answer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSED_HEADERS = ("Content-Type", "Content-Disposition")


@blueprint.route("/c/<city>/export/<path:rest>")
def export(city: str, rest: str):
    """``rest`` is a list's API path; ``…xlsx`` paths are exports already, others get
    ``format=xlsx`` with the list's filters as they are."""
    check_city(city)
    params = request.args.to_dict()
    if not rest.endswith(".xlsx"):
        params["format"] = "xlsx"
    return _handed_over(api().city(city, "GET", rest, params))


@blueprint.route("/province/export/<any(cities, ranking, 'shared-investors'):rest>")
def province_export(rest: str):
    """The province's comparison, ranking or shared investors as the province service writes
    them (``format=xlsx``), with the page's period and ranking figure."""
    return _handed_over(api().province(rest, {**request.args.to_dict(), "format": "xlsx"}))


def _handed_over(answer: Answer):
    """The service's workbook as it wrote it; a refusal goes back to the page as a message."""
    if answer.ok and answer.headers.get("Content-Type", "").startswith(XLSX):
        response = Response(answer.content, status=200)
        for name in PASSED_HEADERS:
            if name in answer.headers:
                response.headers[name] = answer.headers[name]
        return response
    if answer.ok:  # the list answered, but not as a workbook
        answer.status = 406
        answer.body = {"title": "无法导出", "detail": "该列表暂不支持导出 Excel", "status": 406}
    refused(answer)
    return redirect(request.referrer or url_for("web.home"), 303)
