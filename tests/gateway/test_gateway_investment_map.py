"""The investment map page's county view (招商地图): the counts the city gives per county, the
table every browser shows, and the county boundaries of each built-in city served as static data.

Seed 003 (Sanming): "全面推广运用“招商地图工作法”……21张招商地图". Sanming's service runs its demo.
"""

from __future__ import annotations

import re

from tests.gateway.test_gateway_versions import web_as

BUILT_IN = {"lanzhou": "兰州", "ziyang": "资阳", "sanming": "三明", "changsha": "长沙",
            "pingliang": "平凉"}


def test_the_map_page_shows_each_chains_enterprises_and_targets_per_county(front, cities):
    geography = {chain["code"]: chain["geography"] for chain in front.call(
        "sanming-officer", "GET", "/cities/sanming/investment-map").json()["chains"]}
    assert any(area["enterprises"] for geo in geography.values() for area in geo["areas"])
    web, _ = web_as(front, "sanming-officer")
    page = web.get("/web/c/sanming/investment-map").get_data(as_text=True)
    assert 'src="/web/static/vendor/maps/sanming.js"' in page
    for code, geo in geography.items():
        section = page[page.index(f'id="geo-{code}"'):]
        section = section[:section.index("</table>")]
        for area in geo["areas"]:
            row = re.search(rf'<tr data-county="{area["code"]}">(.*?)</tr>', section, re.S)
            assert row, (code, area["name"])
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
            assert cells[:3] == [area["name"], str(area["enterprises"]), str(area["targets"])]
        assert "&#34;map&#34;: &#34;三明&#34;" in section or '"map": "三明"' in section


def test_the_county_boundaries_of_every_built_in_city_are_served(front):
    browser = front.app.test_client()
    for code, name in BUILT_IN.items():
        served = browser.get(f"/web/static/vendor/maps/{code}.js")
        assert served.status_code == 200, code
        assert f'registerMap("{name}"' in served.get_data(as_text=True), code
        served.close()
