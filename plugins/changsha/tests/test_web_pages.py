"""Changsha's pages of the web interface: the 一事一议 ledger and the cadence lists, read from
the city's own reports with their exports."""

from __future__ import annotations

from core.testing.web_pages import served_pages
from plugins.changsha.tests.conftest import new_project, to_negotiating


def test_a_project_outside_its_park_shows_why_and_the_form_that_records_the_justification(client):
    project = new_project(client, industry="biomedicine")  # not among 长沙经开区's industries
    to_negotiating(client, project["id"])
    [row] = client.get(f"/changsha/park-fit?project_id={project['id']}").json
    assert (row["park"], row["justification"], row["ready"]) == ("长沙经济技术开发区", "未记录", False)
    assert "生物医药" in row["positioning"]
    check = client.get(f"/projects/{project['id']}/transitions/check?to=signed&on=2024-03-01").json
    [refusal] = check["targets"][0]["refusals"]
    assert refusal["remedy"]["form"] == "changsha_park_justification"
    page = next(p for p in client.get("/web-pages").json if p["code"] == "changsha_park_fit")
    [form] = page["forms"]
    assert (form["target"], form["method"], form["fields"][0]["name"]) == (
        "projects/{project_id}", "PATCH", "attributes.park_justification")
    # A project in one of its park's industries has nothing to justify.
    assert client.get(f"/changsha/park-fit?project_id={new_project(client)['id']}").json == []


def test_the_matters_ledger_and_cadence_lists_are_pages_of_the_office(client, today):
    year = today.year - 1  # periods gone by (a list is judged no earlier than its period's start)
    pages = served_pages(client, {"week": f"{year}-W19", "month": f"{year}-05", "half": f"{year}-H1",
                                  "year": str(year), "project_id": str(new_project(client)["id"])})
    assert list(pages) == ["changsha_matters", "changsha_cadence", "changsha_review",
                           "changsha_park_fit"]
    assert [s["source"] for s in pages["changsha_cadence"]["sections"]] == [
        "reports/changsha_weekly", "reports/changsha_monthly"]
    assert [f["name"] for f in pages["changsha_cadence"]["filters"]] == ["week", "month"]
    assert pages["changsha_matters"]["sections"][0]["title"] == "重大项目“一事一议”台账"
    assert all("clerk" not in page["roles"] for page in pages.values()
               if page["code"] != "changsha_park_fit")
