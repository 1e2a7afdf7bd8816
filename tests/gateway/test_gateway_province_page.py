"""The province page shows each city's out-of-province (省外) figures with the city's columns:
signed, started, arrived and the rates, as Gansu publishes them apart (seed 002: "新签约省外招商
引资项目157项……开工154项，开工率98%；到位资金73亿元，资金到位率54%")."""

from __future__ import annotations

import re

from tests.gateway.test_gateway_versions import web_as

YEAR = {"from": "2024-01-01", "to": "2024-12-31"}


def test_the_province_page_shows_out_of_province_started_arrived_and_rates(front, cities):
    answer = front.call("province", "GET", "/province/cities", params=YEAR).json()["cities"]
    web, _ = web_as(front, "province")
    page = web.get("/web/province?from=2024-01-01&to=2024-12-31").get_data(as_text=True)
    section = page[page.index('id="out-of-province"'):]
    section = section[:section.index("</section>")]
    for heading in ("签约项目数", "开工项目数", "开工率", "到位资金（已核实）", "资金到位率"):
        assert f"<th>{heading}</th>" in section
    for row in answer:
        assert row["out_of_province"]["label"] == row["label"]
        shown = re.search(rf'<td data-label="城市" class="text">{row["label"]}</td>(.*?)</tr>',
                          section, re.S)
        assert shown, row["label"]
