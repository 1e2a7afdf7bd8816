"""A city's own 招商方式 and a lead's contact in the web, through the real gateway and city
service: the gateway takes the labels from the city (``GET /labels``), never from the core."""

from __future__ import annotations

import itertools
import re

from gateway.labels import CityLabels
from tests.gateway.test_gateway_versions import web_as

_numbers = itertools.count(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_lead_form_offers_the_city_channels_and_takes_a_contact(front, cities):
    web, csrf = web_as(front, "lanzhou-clerk")
    form = web.get("/web/c/lanzhou/leads/new").get_data(as_text=True)
    assert '<option value="online"' in form and "网络招商" in form
    assert 'name="contact_name"' in form and 'name="contact_phone"' in form
    number = next(_numbers)
    base = {"csrf_token": csrf, "title": f"网络招商线索{number}",
            "enterprise_name": f"网络招商企业{number}有限公司", "channel": "online",
            "contact_name": "王经理"}
    # The city requires the phone for this channel: the form comes back with the field's message.
    refused = web.post("/web/c/lanzhou/leads/new", data=base)
    assert refused.status_code == 400
    said = text_of(refused.get_data(as_text=True))
    assert "联系电话" in said and "招商方式为“网络招商”的线索须填写联系电话" in said
    badly = web.post("/web/c/lanzhou/leads/new", data=base | {"contact_phone": "12345"})
    assert "联系电话应为手机号码" in text_of(badly.get_data(as_text=True))
    done = web.post("/web/c/lanzhou/leads/new", data=base | {"contact_phone": "0931 8123456"})
    assert done.status_code == 303, done.get_data(as_text=True)[:500]
    page = text_of(web.get(done.headers["Location"]).get_data(as_text=True))
    assert "招商方式 网络招商" in page
    assert "王经理 0931-8123456" in page


def test_the_lead_list_filters_by_the_city_channels_with_labels(front, cities):
    web, _ = web_as(front, "lanzhou-officer")
    page = web.get("/web/c/lanzhou/leads?channel=online").get_data(as_text=True)
    assert re.search(r'<option value="online"\s+selected>网络招商</option>', page)
    # Another city keeps the core's list only.
    other = web_as(front, "ziyang-officer")[0].get("/web/c/ziyang/leads").get_data(as_text=True)
    assert "节会推介招" in other and "网络招商" not in other


class Answer:
    def __init__(self, ok: bool, body):
        self.ok, self.body = ok, body


def test_labels_are_kept_per_city_until_their_time_is_up(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("gateway.expiring.time.monotonic", lambda: now[0])
    asked: list[str] = []

    def fetch(city, ok=True):
        def answer():
            asked.append(city)
            return Answer(ok, {"lead_channels": {"online": f"{city}的网络招商"}})
        return answer

    labels = CityLabels(ttl=300)
    assert labels.get("lanzhou", fetch("lanzhou"))["lead_channels"]["online"] == "lanzhou的网络招商"
    labels.get("lanzhou", fetch("lanzhou"))
    labels.get("ziyang", fetch("ziyang"))
    assert asked == ["lanzhou", "ziyang"]  # once per city within the time
    now[0] += 301
    # Due again, but the city does not answer: its last labels serve, and it is asked next time.
    assert labels.get("lanzhou", fetch("lanzhou", ok=False))["lead_channels"]
    labels.get("lanzhou", fetch("lanzhou"))
    assert asked == ["lanzhou", "ziyang", "lanzhou", "lanzhou"]
    assert CityLabels(ttl=300).get("sanming", fetch("sanming", ok=False)) == {}
