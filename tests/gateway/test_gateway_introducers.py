"""引荐人名录 in the web, through the real gateway and city service: the office registers an
entry from the list page and confirms its public-official status on its page; the list searches
and exports with Chinese headings; a clerk reads the list but has no forms and is refused."""

from __future__ import annotations

import io
import itertools

from openpyxl import load_workbook

from tests.gateway.test_gateway_versions import hidden, web_as

_numbers = itertools.count(1)


def test_the_office_registers_and_confirms_an_introducer_in_the_web(front, cities):
    number = next(_numbers)
    name = f"网页登记的招商顾问{number}"
    web, csrf = web_as(front, "lanzhou-officer")
    listing = web.get("/web/c/lanzhou/intermediaries").get_data(as_text=True)
    assert "引荐人名录" in listing and "登记引荐人" in listing
    form = {"csrf_token": csrf, "_idempotency_key": hidden(listing, "_idempotency_key"),
            "name": name, "kind": "advisor", "phone": f"1390931{number:04d}",
            "contact_person": "张顾问"}
    registered = web.post("/web/c/lanzhou/intermediaries", data=form)
    assert registered.status_code == 303
    page_path = registered.headers["Location"]
    page = web.get(page_path).get_data(as_text=True)
    assert name in page and "未确认" in page and "确认公职人员身份" in page
    confirm = {"csrf_token": csrf, "_idempotency_key": hidden(page, "_idempotency_key"),
               "_if_match": hidden(page, "_if_match"), "public_official": "no",
               "basis": "本人书面承诺"}
    assert web.post(f"{page_path}/public-official", data=confirm).status_code == 303
    page = web.get(page_path).get_data(as_text=True)
    assert "非国家公职人员" in page and "本人书面承诺" in page and "lanzhou-officer" in page
    # The same registration again: refused as a duplicate, shown in Chinese.
    form["_idempotency_key"] = "another-display"
    again = web.post("/web/c/lanzhou/intermediaries", data=form)
    shown = web.get(again.headers["Location"]).get_data(as_text=True)
    assert "疑似重复登记" in shown

    found = web.get(f"/web/c/lanzhou/intermediaries?q={name}").get_data(as_text=True)
    assert name in found and "共 1 条" in found
    export = web.get(f"/web/c/lanzhou/export/intermediaries?q={name}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert {"引荐人", "类别", "是否国家公职人员", "身份确认人"} <= set(headings)
    assert sheet.max_row == 2

    clerk, clerk_csrf = web_as(front, "lanzhou-clerk")
    seen = clerk.get(f"/web/c/lanzhou/intermediaries?q={name}").get_data(as_text=True)
    assert name in seen and "登记引荐人" not in seen
    refused = front.call("lanzhou-clerk", "POST", "/cities/lanzhou/intermediaries",
                         json={"name": "经办人登记", "kind": "individual", "phone": "13900000000"})
    assert refused.status_code == 403
