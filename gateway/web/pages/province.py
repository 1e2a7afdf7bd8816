"""The province's page: every city side by side, the ranking, investors courted by several
cities, and each city's data freshness and completeness."""

from __future__ import annotations

from flask import request, url_for

from gateway.web.base import api, blueprint, render
from gateway.web.formatting import YI, chart
from gateway.web.pages.dashboard import FIGURE_COLUMNS, period

RANKINGS = {"signed_amount": "签约总额", "signed_count": "签约项目数", "started_count": "开工项目数",
            "start_rate": "开工率", "arrived_amount": "到位资金（已核实）", "arrival_rate": "资金到位率",
            "signed_amount_growth": "签约额同比", "out_of_province_share": "省外签约额占比",
            "leads_reported": "报送线索数"}
CITY_COLUMNS = [{"key": "label", "heading": "城市"}, *FIGURE_COLUMNS[1:],
                {"key": "out_of_province_share", "heading": "省外签约额占比", "format": "percent"},
                # Neither 省外 nor 省内: the investor's province is not known (未知).
                {"key": "out_of_province_unknown_count", "heading": "投资方省份未知的签约项目",
                 "format": "count"},
                {"key": "leads_reported", "heading": "报送线索", "format": "count"},
                {"key": "projects", "heading": "项目总数", "format": "count"}]
# Out-of-province projects (省外) with the columns of the city total: Gansu publishes these apart,
# so a city's published figures (Pingliang's 省外 statistics) can be read off this table.
OUT_OF_PROVINCE_COLUMNS = [{"key": "label", "heading": "城市"}, *FIGURE_COLUMNS[1:]]
COMPLETENESS = {"complete": "一致", "behind": "滞后", "dead_letters": "有被搁置的消息",
                "changed_since_snapshot": "快照后有变化", "mismatch": "不一致", "no_snapshot": "尚无快照"}


@blueprint.route("/province")
def province():
    client = api()
    start, end = period()
    span = {"from": start, "to": end}
    by = request.args.get("by") if request.args.get("by") in RANKINGS else "signed_amount"
    cities = client.province("cities", span)
    ranking = client.province("ranking", {**span, "by": by})
    shared = client.province("shared-investors")
    freshness = client.province("freshness")
    completeness = client.province("completeness")
    rows = cities.body.get("cities", []) if cities.ok else []
    return render("province.html", 200 if cities.ok else cities.status, cities_answer=cities,
                  rows=rows, columns=CITY_COLUMNS,
                  outside_rows=[row["out_of_province"] for row in rows if row.get("out_of_province")],
                  outside_columns=OUT_OF_PROVINCE_COLUMNS, start=start, end=end, by=by,
                  rankings=RANKINGS, ranking=ranking.body.get("cities", []) if ranking.ok else [],
                  shared=shared.body.get("investors", []) if shared.ok else [],
                  freshness=freshness.body if freshness.ok else {},
                  completeness=completeness.body.get("cities", []) if completeness.ok else [],
                  completeness_labels=COMPLETENESS,
                  # Workbooks written by the province service from the same rows as the tables.
                  export_urls={"cities": url_for("web.province_export", rest="cities", **span),
                               "ranking": url_for("web.province_export", rest="ranking",
                                                  by=by, **span),
                               "shared": url_for("web.province_export",
                                                 rest="shared-investors")},
                  comparison=chart("bar", "各市签约与到位（亿元）", rows, "label",
                                   [("signed_amount", "签约总额（亿元）"),
                                    ("arrived_amount", "到位资金（亿元）")], scale=YI))
