"""Checks a city's declared web pages against its own API: every section's source answers, its
rows carry the declared columns, charts name real columns, and the export is a workbook."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from openpyxl import load_workbook


def dig(body: Any, path: str) -> Any:
    for part in path.split(".") if path else []:
        body = body[part]
    return body


def served_pages(client: Any, params: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """The pages ``/web-pages`` serves, each section checked against the API (with ``params``
    given to every source, as the interface sends the page's filters)."""
    answer = client.get("/web-pages")
    assert answer.status_code == 200, answer.json
    pages = {page["code"]: page for page in answer.json}
    for page in pages.values():
        # The interface sends a page's own filters only.
        names = {item["name"] for item in page["filters"]}
        given = {key: value for key, value in (params or {}).items() if key in names}
        query = "?" + urlencode(given) if given else ""
        for section in page["sections"]:
            data = client.get(f"/{section['source']}{query}")
            assert data.status_code == 200, (section["source"], data.json)
            rows = dig(data.json, section["rows"])
            assert isinstance(rows, list), section["source"]
            keys = {column["key"].split(".")[0] for column in section["columns"]}
            for row in rows:
                assert keys <= set(row), (section["source"], keys - set(row))
            columns = {column["key"] for column in section["columns"]}
            for chart in section["charts"]:
                assert {chart["category"], *(v["key"] for v in chart["values"])} <= columns
            if section["export"]:
                export = client.get(f"/{section['export']}{query}")
                assert export.status_code == 200, section["export"]
                sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
                assert sheet.max_row == len(rows) + 1  # the headings, then the same rows
    return pages
