"""Lists sorted by their columns, and dashboard figures leading to the records behind them,
through the real gateway and city services (Sanming's demo data)."""

from __future__ import annotations

import re

import pytest
import requests

from tests.gateway.test_gateway_versions import web_as

CITY = "/cities/sanming"
LISTS = {  # API list: the keys its schema declares
    "projects": ("name", "amount", "stage", "industry", "leader_name", "signed_on",
                 "last_progress_on", "updated_at"),
    "leads": ("title", "intended_amount", "status", "reported_on", "first_talk_due"),
    "intermediaries": ("name", "kind", "contact_person", "public_official", "status",
                       "registered_at"),
    "matters": ("title", "kind", "project_id", "requested_amount", "status", "decision_level",
                "requested_on", "decided_on"),
    "warnings": ("level", "subject_type", "subject_id", "since", "raised_at"),
    "rewards": ("id", "recipient_name", "year", "amount", "state", "paid_on"),
    "enterprises": ("name", "credit_code"),
}


@pytest.mark.parametrize("path", sorted(LISTS))
def test_every_declared_sort_key_sorts_and_openapi_names_them(front, cities, path):
    for key in LISTS[path]:
        for sort in (key, f"-{key}"):
            answer = front.call("sanming-officer", "GET", f"{CITY}/{path}", params={"sort": sort})
            assert answer.status_code == 200, (sort, answer.text)
    refused = front.call("sanming-officer", "GET", f"{CITY}/{path}", params={"sort": "colour"})
    assert refused.status_code == 400
    assert "不能按 colour 排序" in refused.text and LISTS[path][0] in refused.text
    spec = requests.get(f"{front.url}/api/v1/openapi.json", timeout=30).json()
    operation = next(item["get"] for name, item in spec["paths"].items()
                     if name.endswith(f"/{path}") and "get" in item)
    sort = next(p for p in operation["parameters"] if p["name"] == "sort")
    # null: no sort given, the list's own order (the parameter is optional).
    assert set(sort["schema"]["enum"]) == {*LISTS[path], *(f"-{k}" for k in LISTS[path]), None}


def amounts(page: str) -> list[str]:
    return re.findall(r'data-label="总投资" class="amount">([^<]*)<', page)


def test_a_column_header_sorts_keeping_the_filters_and_toggles(front, cities):
    web, _ = web_as(front, "sanming-officer")
    page = web.get("/web/c/sanming/projects?industry=&stage=signed").get_data(as_text=True)
    link = re.search(r'<a class="sort" href="([^"]+)" title="按总投资排序">', page).group(1)
    link = link.replace("&amp;", "&")
    assert "stage=signed" in link and "sort=amount" in link and "page=" not in link
    ascending = web.get(link).get_data(as_text=True)
    assert 'aria-sort="ascending"' in ascending
    again = re.search(r'<a class="sort" href="([^"]+)" title="按总投资排序">', ascending).group(1)
    assert "sort=-amount" in again and "stage=signed" in again
    descending = web.get(again.replace("&amp;", "&")).get_data(as_text=True)
    assert 'aria-sort="descending"' in descending
    api = front.call("sanming-officer", "GET", f"{CITY}/projects",
                     params={"stage": "signed", "sort": "amount", "per_page": 500}).json()
    values = [row["amount"] for row in api["items"]]
    assert [float(v) for v in values] == sorted(float(v) for v in values)
    # The page shows them in the API's order, reversed when sorted descending.
    assert len(amounts(ascending)) == len(values)
    assert amounts(ascending) == list(reversed(amounts(descending))) or len(set(values)) < len(values)


def figure_links(page: str) -> dict[str, str]:
    return {m.group(1): m.group(2).replace("&amp;", "&") for m in re.finditer(
        r'<a class="value" data-figure="(\w+)" href="([^"]+)">', page)}


def listed_total(web, link: str) -> int:
    page = web.get(link).get_data(as_text=True)
    found = re.search(r"共 (\d+) 条", page)
    return int(found.group(1)) if found else 0


def test_dashboard_figures_lead_to_lists_with_as_many_records(front, cities):
    web, _ = web_as(front, "sanming-officer")
    span = {"from": "2020-01-01", "to": "2030-12-31"}
    page = web.get("/web/c/sanming/dashboard?from=2020-01-01&to=2030-12-31").get_data(as_text=True)
    links = figure_links(page)
    total = front.call("sanming-officer", "GET", f"{CITY}/stats", params=span).json()["total"]
    assert int(total["signed_count"]) > 0
    assert listed_total(web, links["signed_count"]) == int(total["signed_count"])
    assert listed_total(web, links["started_count"]) == int(total["started_count"])
    # One group's link, checked against its figure.
    groups = front.call("sanming-officer", "GET", f"{CITY}/stats",
                        params={**span, "group_by": "industry"}).json()["groups"]
    group = next(g for g in groups if g.get("key") and int(g["signed_count"]))
    link = (f"/web/c/sanming/projects?signed_from={span['from']}&signed_to={span['to']}"
            f"&industry={group['key']}")
    assert link.replace("&", "&amp;") in page
    assert listed_total(web, link) == int(group["signed_count"])
