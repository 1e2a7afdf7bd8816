"""``web_pages``: a city declares its own pages of the web interface as data."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.policy import WebChart, WebColumn, WebFilter, WebPage, WebSection
from tests.support.cities import make_city

BOARD = WebPage(
    code="board", title="项目看板", roles=("officer", "leader"),
    filters=(WebFilter("month", "月份", "month"),),
    sections=(WebSection(
        title="本月项目", source="reports/board", rows="rows", export="reports/board.xlsx",
        columns=(WebColumn("name", "项目名称"), WebColumn("amount", "总投资", "amount"),
                 WebColumn("problems", "问题", "list", item_key="message")),
        charts=(WebChart("bar", "各项目总投资", "name", (("amount", "总投资（万元）"),)),),
    ),),
)


class Board:
    @hookimpl
    def web_pages(self, city):
        return [BOARD]


class Shadow:
    @hookimpl
    def web_pages(self, city):
        return [WebPage("board", "被覆盖的看板", (WebSection("表", "units", ()),)),
                WebPage("units", "单位", (WebSection("单位", "units", (WebColumn("name", "名称"),)),),
                        roles=("clerk",))]


def test_hook_web_pages_are_served_in_plugin_order_first_code_wins(client_for):
    client = client_for(make_city(extra_plugins=[("board", Board()), ("shadow", Shadow())]))
    pages = client.get("/web-pages").json
    assert [page["title"] for page in pages] == ["项目看板", "单位"]
    assert pages[0] == {
        "code": "board", "title": "项目看板", "description": "", "roles": ["officer", "leader"],
        "shown_on": ["menu"], "forms": [],
        "filters": [{"name": "month", "label": "月份", "kind": "month", "default": None,
                     "choices": []}],
        "sections": [{
            "title": "本月项目", "source": "reports/board", "rows": "rows",
            "export": "reports/board.xlsx",
            "columns": [
                {"key": "name", "heading": "项目名称", "format": "text", "item_key": None},
                {"key": "amount", "heading": "总投资", "format": "amount", "item_key": None},
                {"key": "problems", "heading": "问题", "format": "list", "item_key": "message"}],
            "charts": [{"kind": "bar", "title": "各项目总投资", "category": "name",
                        "values": [{"key": "amount", "name": "总投资（万元）"}]}],
        }],
    }
    assert pages[1]["roles"] == ["clerk"]


def test_hook_web_pages_none_without_a_plugin(client_for):
    assert client_for(make_city()).get("/web-pages").json == []


def test_hook_web_pages_are_in_the_openapi_document(client_for):
    paths = client_for(make_city()).get("/openapi.json").json["paths"]
    assert "get" in paths["/api/v1/web-pages"]


@pytest.mark.parametrize("build, message", [
    (lambda: WebSection("表", "/api/v1/units", ()), "source"),
    (lambda: WebSection("表", "http://elsewhere/x", ()), "source"),
    (lambda: WebSection("表", "units/../../admin", ()), "source"),
    (lambda: WebSection("表", "units", (), export="/units.xlsx"), "export"),
    (lambda: WebColumn("amount", "总投资", "money"), "format"),
    (lambda: WebChart("radar", "图", "name", ()), "kind"),
    (lambda: WebFilter("month", "月份", "week"), "kind"),
    (lambda: WebPage("x", "页", (WebSection("表", "units", ()),), roles=("mayor",)), "roles"),
    (lambda: WebPage("x", "页", ()), "no section"),
    (lambda: WebPage("x", "页", (WebSection("表", "units", ()),), shown_on=("sidebar",)),
     "shown_on"),
    (lambda: WebPage("x", "页", (WebSection("表", "units", ()),), shown_on=()), "shown_on"),
    # A page on the project's (lead's) page reads that record's rows through its id's filter.
    (lambda: WebPage("x", "页", (WebSection("表", "units", ()),), shown_on=("project",)),
     "project_id"),
    (lambda: WebPage("x", "页", (WebSection("表", "units", ()),), shown_on=("menu", "lead"),
                     filters=(WebFilter("project_id", "项目编号"),)), "lead_id"),
])
def test_hook_web_pages_refuse_a_page_outside_the_api_or_the_vocabulary(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_hook_web_pages_report_section_shows_a_report_with_its_export():
    from core.policy import Report, report_section

    report = Report("battle", "每月战报", (("unit_name", "单位"), ("signed_amount", "签约金额（万元）"),
                                          ("signed_count", "签约项目")), lambda context, params: [])
    section = report_section(report, {"signed_amount": "amount", "signed_count": "count"})
    assert (section.title, section.source, section.rows, section.export) == (
        "每月战报", "reports/battle", "rows", "reports/battle.xlsx")
    assert [(c.key, c.heading, c.format) for c in section.columns] == [
        ("unit_name", "单位", "text"), ("signed_amount", "签约金额", "amount"),
        ("signed_count", "签约项目", "count")]


def test_a_declared_form_is_refused_when_it_could_not_be_sent():
    """A form's target stays under the city's API, each placeholder is the record's id or one of
    its fields, and a form about a project is on a page shown on the project page."""
    import pytest

    from core.policy import WebFilter, WebForm, WebFormField

    field = WebFormField("reason", "理由", "textarea")
    with pytest.raises(ValueError, match="under the city's /api/v1/"):
        WebForm("f", "表", "/api/v1/projects/{project_id}", (field,))
    with pytest.raises(ValueError, match=r"\{item\}"):
        WebForm("f", "表", "projects/{project_id}/items/{item}", (field,))
    with pytest.raises(ValueError, match="choices go with"):
        WebFormField("kind", "类别", "choice")
    form = WebForm("f", "表", "projects/{project_id}", (field,), method="PATCH",
                   satisfies=("city.rule",))
    assert form.remedies("city.rule.missing") and form.remedies("city.rule")
    assert not form.remedies("city.rules")
    section = (WebSection("表", "units", ()),)
    with pytest.raises(ValueError, match="needs the project page"):
        WebPage("p", "页", section, forms=(form,))
    WebPage("p", "页", section, filters=(WebFilter("project_id", "项目编号"),),
            shown_on=("project",), forms=(form,))
