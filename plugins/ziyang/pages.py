"""Ziyang's pages of the web interface (the ``web_pages`` hook): the six-ones board of the
industry groups, with the problems found, and the sharing of transferred projects."""

from __future__ import annotations

from core.toolkit import DECIDER, READER, WebColumn, WebPage, WebSection, report_section
from plugins.ziyang import six_ones
from plugins.ziyang.reports import ziyang_reports

# Whose menu shows a page, from the vocabulary (the system account never signs in to the web):
# every reader of the city, or the office and the city's leaders.
BOARD_ROLES = tuple(sorted(READER.roles - {"system"}))
OFFICE_AND_LEADERS = tuple(sorted(DECIDER.roles - {"system"}))


def web_pages() -> list[WebPage]:
    by_code = {report.code: report for report in ziyang_reports()}
    problems = WebSection(
        title="各小组存在的问题", source="ziyang/groups",
        columns=(WebColumn("name", "产业招商小组"),
                 WebColumn("industries", "产业", "list", item_key="name"),
                 WebColumn("complete", "六个一齐全", "yes_no"),
                 WebColumn("problems", "问题", "list", item_key="message")))
    board = report_section(by_code["ziyang_six_ones"], title="“六个一”落实情况")
    return [
        WebPage("ziyang_six_ones", "六个一看板", (board, problems), roles=BOARD_ROLES,
                description="七个产业招商小组的" + "、".join(six_ones.SIX_ONES.values())),
        WebPage("ziyang_transfer_split", "流转项目指标分享",
                (report_section(by_code["ziyang_transfer_split"]),),
                roles=OFFICE_AND_LEADERS),
    ]
