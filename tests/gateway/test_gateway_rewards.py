"""奖励台账 in the web, through the real gateway and a city service (Sanming, with its demo): the
office computes a period from the ledger page, opens a proposed line, approves it with a reason
(the form sends the line's version), sees it under 已批准 with its history, and exports the list;
a clerk has no ledger in the menu and is refused a decision."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.gateway.test_gateway_versions import hidden, web_as

BASE = "/web/c/sanming/rewards"


def test_the_office_computes_approves_and_exports_rewards_in_the_web(front, cities):
    web, csrf = web_as(front, "sanming-officer")
    listing = web.get(BASE).get_data(as_text=True)
    assert "奖励台账" in listing and "待审批" in listing and "已支付" in listing
    assert "核定奖励" in listing
    computed = web.post(BASE, data={"csrf_token": csrf,
                                    "_idempotency_key": hidden(listing, "_idempotency_key"),
                                    "from": "2020-01-01", "to": "2026-06-16"})
    assert computed.status_code == 303
    proposed = front.call("sanming-officer", "GET",
                          "/cities/sanming/rewards?state=proposed&eligible=true&per_page=100")
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["items"], "the demo's period proposes at least one line"
    line = proposed.json()["items"][0]
    page_path = f"{BASE}/{line['id']}"
    page = web.get(page_path).get_data(as_text=True)
    assert line["recipient_name"] in page and "计算依据" in page and "审批" in page
    decided = web.post(f"{page_path}/decision", data={
        "csrf_token": csrf, "_idempotency_key": hidden(page, "_idempotency_key"),
        "_if_match": hidden(page, "_if_match"), "decision": "approve",
        "reason": "经评审会审定"})
    assert decided.status_code == 303
    page = web.get(page_path).get_data(as_text=True)
    assert "已批准" in page and "经评审会审定" in page and "sanming-officer" in page
    approved = web.get(f"{BASE}?state=approved").get_data(as_text=True)
    assert line["recipient_name"] in approved
    export = web.get("/web/c/sanming/export/rewards?state=approved")
    assert export.status_code == 200
    headings = [cell.value for cell in load_workbook(io.BytesIO(export.data)).worksheets[0][1]]
    assert {"领取人", "核定金额（万元）", "状态", "支付凭证号"} <= set(headings)

    clerk, _ = web_as(front, "sanming-clerk")
    assert "奖励台账" not in clerk.get("/web/c/sanming/leads?mine=1").get_data(as_text=True)
    refused = front.call("sanming-clerk", "POST", f"/cities/sanming/rewards/{line['id']}/reject",
                         json={"reason": "经办人驳回"})
    assert refused.status_code == 403
