"""Lists sorted by their columns: a column declaring ``"sort": <the API's sort key>`` gets a
header link that keeps the list's other filters, starts again from page 1, and toggles between
ascending and descending (the API's ``sort``, ``-`` before the key for descending)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for


def sorting(endpoint: str, params: dict[str, Any], **fixed: Any) -> dict[str, Any]:
    """What the table macro needs to link the headers: the current sort (asked for, else the
    page's default shown as none) and the link for each key."""
    current = request.args.get("sort", "").strip()
    kept = {key: value for key, value in params.items()
            if key not in ("page", "sort") and value not in (None, "")}

    def link(key: str) -> str:
        # The first click sorts ascending; clicking the sorted column again reverses it.
        wanted = f"-{key}" if current == key else key
        return url_for(endpoint, **fixed, **kept, sort=wanted)

    def order(key: str) -> str | None:
        return {key: "ascending", f"-{key}": "descending"}.get(current)

    return {"link": link, "order": order}
