"""The 待办 page and the header's count, through the real gateway and city service: a clerk's
new lead waits for the unit's judgement there, linked to its page; another unit's clerk does
not see it."""

from __future__ import annotations

import itertools
import re

from core.clock import CHINA
from tests.gateway.test_gateway_versions import web_as

_numbers = itertools.count(1)


def test_a_clerk_sees_their_units_lead_on_the_todo_page_and_its_count_in_the_header(front, cities):
    number = next(_numbers)
    created = front.call("lanzhou-clerk", "POST", "/cities/lanzhou/leads", json={
        "title": f"待办页面线索{number}", "reporting_unit": "east", "channel": "fair",
        "industry": "manufacturing", "reported_on": CHINA.today().isoformat(),
        "enterprise": {"name": f"待办页面企业{number}有限公司", "origin_province": "广东省"}})
    assert created.status_code == 201, created.text
    lead = created.json()
    listed = front.call("lanzhou-clerk", "GET", "/cities/lanzhou/todos").json()

    web, _ = web_as(front, "lanzhou-clerk")
    page = web.get("/web/c/lanzhou/todos")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/web/c/lanzhou/leads/{lead["id"]}">线索“{lead["title"]}”待研判</a>' in html
    count = re.search(r'class="todo-count"[^>]*>待办 <span class="count">(\d+)</span>', html)
    assert count and int(count.group(1)) == listed["total"] >= 1

    other, _ = web_as(front, "lanzhou-clerk-west")
    assert lead["title"] not in other.get("/web/c/lanzhou/todos").get_data(as_text=True)
