"""Every gate a city adds, finishable on the project page, through the real gateway and city
services (Sanming, with its plugin and demo data): the checklist is the transition dry-run's
(never "complete" while the move would be refused), the stage menu offers only the stages the
lifecycle allows now, and the city's declared form (``WebForm``) records the 法规账 item the
dry-run points to."""

from __future__ import annotations

import html as markup
import re

from tests.gateway.test_gateway_record_pages import text_of
from tests.gateway.test_gateway_versions import web_as

CITY = "/cities/sanming"


def _api(front, method: str, path: str, body=None, status: int = 200):
    answer = front.call("sanming-officer", method, f"{CITY}{path}", json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def _negotiating_project(front) -> dict:
    for project in _api(front, "GET", "/projects?stage=negotiating&per_page=50")["items"]:
        check = _api(front, "GET", f"/projects/{project['id']}/transitions/check?to=signed")
        if any(r["rule"].startswith("gate.legal_review.") for r in check["targets"][0]["refusals"]):
            return project
    raise AssertionError("the demo has no project in talks still missing a 法规账 item")


def test_the_checklist_shows_every_refusal_of_the_move_with_the_form_that_records_it(front, cities):
    project = _negotiating_project(front)
    pid = project["id"]
    check = _api(front, "GET", f"/projects/{pid}/transitions/check?to=signed")["targets"][0]
    assert check["allowed"] is False

    web, csrf = web_as(front, "sanming-officer")
    page = web.get(f"/web/c/sanming/projects/{pid}").get_data(as_text=True)
    checklist = text_of(page.split('id="checklist"', 1)[1].split("</section>", 1)[0])
    assert "已齐全" not in checklist
    for refusal in check["refusals"]:
        if refusal["remedy"] and refusal["remedy"]["kind"] == "field":
            continue  # asked by the checklist's own inputs
        assert markup.unescape(refusal["message"]) in markup.unescape(checklist), refusal
    assert 'href="#form-sanming_legal_review_item"' in page
    # The stage menu: the lifecycle's moves from 在谈 only, the refused one saying so.
    menu = page.split('name="target"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([a-z]+)"', menu) == ["reserve", "signed", "lost"]
    assert re.search(r"签约（尚有 \d+ 项未满足）", text_of(menu))

    # The declared form records the first missing item through the city's own API.
    missing = next(r["rule"].rsplit(".", 1)[1] for r in check["refusals"]
                   if r["rule"].startswith("gate.legal_review."))
    assert 'id="form-sanming_legal_review_item"' in page
    sent = web.post(f"/web/c/sanming/project/{pid}/forms/sanming_legal_review/"
                    "sanming_legal_review_item",
                    data={"csrf_token": csrf, "item": missing, "finding": "pass",
                          "reviewer": "市生态环境局 李工"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/projects/{pid}")
    after = _api(front, "GET", f"/projects/{pid}/transitions/check?to=signed")["targets"][0]
    assert f"gate.legal_review.{missing}" not in {r["rule"] for r in after["refusals"]}
    review = _api(front, "GET", f"/sanming/legal-review?project_id={pid}")
    item = next(row for row in review["items"] if row["item"] == missing)
    assert (item["finding"], item["reviewer"]) == ("pass", "市生态环境局 李工")


def test_a_form_is_offered_only_to_its_roles_and_only_where_its_page_is_shown(front, cities):
    project = _negotiating_project(front)
    web, csrf = web_as(front, "province")
    page = web.get(f"/web/c/sanming/projects/{project['id']}").get_data(as_text=True)
    assert 'id="form-sanming_legal_review_item"' not in page
    refused = web.post(f"/web/c/sanming/project/{project['id']}/forms/sanming_legal_review/"
                       "sanming_legal_review_item", data={"csrf_token": csrf, "item": "land"})
    assert refused.status_code == 404
