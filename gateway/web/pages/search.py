"""The header's search box: one fragment looked up in the city's leads, projects, enterprises
and introducers at once, each list's best matches (the lists' own ``q``, core.search, ranked
there) grouped on one page with a link to the whole filtered list."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from gateway.web.base import api, blueprint, check_city, render

PER_GROUP = 10


def _group(title: str, path: str, rows_of: Any, more: str | None) -> dict[str, Any]:
    return {"title": title, "path": path, "rows_of": rows_of, "more": more}


# What each group shows of a row: its name, a line about it, and the page it opens.
GROUPS = (
    _group("线索", "leads", lambda city, row: (
        row.get("title"), "、".join(filter(None, [(row.get("enterprise") or {}).get("name"),
                                                   row.get("status_label")])),
        url_for("web.lead", city=city, lead_id=row["id"])), "web.leads"),
    _group("项目", "projects", lambda city, row: (
        row.get("name"), "、".join(filter(None, [(row.get("enterprise") or {}).get("name"),
                                                  row.get("stage_label")])),
        url_for("web.project", city=city, project_id=row["id"])), "web.projects"),
    _group("企业", "enterprises", lambda city, row: (
        row.get("name"), row.get("credit_code") or "",
        url_for("web.enterprise", city=city, enterprise_id=row["id"])), None),
    _group("引荐人", "intermediaries", lambda city, row: (
        row.get("name"), "、".join(filter(None, [row.get("kind_label"),
                                                  row.get("contact_person")])),
        url_for("web.intermediary", city=city, intermediary_id=row["id"])),
        "web.intermediaries"),
)


@blueprint.route("/c/<city>/search")
def search(city: str):
    """Only the lists this person may read are asked (the city decides; a refused list is
    left out, not shown as an error); a fragment under two characters asks nothing."""
    check_city(city)
    client = api()
    q = (request.args.get("q") or "").strip()
    results = []
    readable = [group for group in GROUPS if client.may("GET", city, group["path"])]
    if len(q) >= 2:
        for group in readable:
            answer = client.city(city, "GET", group["path"], {"q": q, "per_page": PER_GROUP})
            if not answer.ok:
                continue
            total = answer.body.get("total") if isinstance(answer.body, dict) else None
            results.append({
                "title": group["title"], "total": total if total is not None else len(
                    answer.items()),
                "rows": [group["rows_of"](city, row) for row in answer.items()],
                "more": url_for(group["more"], city=city, q=q) if group["more"] else None})
    return render("search.html", city=city, q=q, results=results, too_short=0 < len(q) < 2,
                  refused=not readable)
