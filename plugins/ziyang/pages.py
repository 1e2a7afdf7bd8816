"""Ziyang's pages of the web interface (the ``web_pages`` hook): the six-ones board of the
industry groups, with the problems found, and the sharing of transferred projects."""

from __future__ import annotations

from core.toolkit import (
    DECIDER,
    READER,
    WebColumn,
    WebFilter,
    WebForm,
    WebFormField,
    WebPage,
    WebSection,
    report_section,
)
from plugins.ziyang import six_ones
from plugins.ziyang.reports import ziyang_reports
from plugins.ziyang.signing import LEGAL_CONCLUSIONS, LEGAL_SCOPES, MEETING_DECISIONS, SIGNATORIES

# Whose menu shows a page, from the vocabulary (the system account never signs in to the web):
# every reader of the city, or the office and the city's leaders.
BOARD_ROLES = tuple(sorted(READER.roles - {"system"}))
OFFICE_AND_LEADERS = tuple(sorted(DECIDER.roles - {"system"}))
# The legal review and the executive meeting are evidence the office attests (plugins.ziyang.access);
# a clerk may record who signs.
OFFICE = ("officer", "admin")


def signing_page() -> WebPage:
    """签约前置 on each project's page (Seed 五): the three records, each with its form, which the
    transition dry-run names for the refusal it answers."""
    records = WebSection(title="签约前置记录", source="ziyang/signing-records",
                         columns=(WebColumn("item", "事项"), WebColumn("record", "登记内容"),
                                  WebColumn("ready", "满足签约要求", "yes_no")))
    project = "projects/{project_id}"
    legal = WebForm(
        "ziyang_legal_review", "登记合法性审查", project, method="PATCH", roles=OFFICE,
        satisfies=("ziyang.legal_review",), submit="保存合法性审查",
        fields=(WebFormField("attributes.legal_review.reviewer", "审查人", required=True),
                WebFormField("attributes.legal_review.reviewed_on", "审查日期", "date",
                             required=True),
                WebFormField("attributes.legal_review.conclusion", "审查结论", "choice",
                             tuple(LEGAL_CONCLUSIONS.items()), required=True),
                WebFormField("attributes.legal_review.scope", "审查范围", "choices",
                             tuple(LEGAL_SCOPES.items()), required=True,
                             hint="签约须涵盖全部三项"),
                WebFormField("attributes.legal_review.opinion", "审查意见", "textarea")))
    signatory = WebForm(
        "ziyang_signatory", "登记签署主体", project, method="PATCH",
        roles=("clerk", "officer", "admin"), satisfies=("ziyang.signatory",),
        submit="保存签署主体",
        fields=(WebFormField("attributes.signatory", "签署主体", "choice",
                             tuple(SIGNATORIES.items()), required=True,
                             hint="以市政府名义签署的，须先经市政府常务会议审议通过"),))
    meeting = WebForm(
        "ziyang_executive_meeting", "登记市政府常务会议", project, method="PATCH", roles=OFFICE,
        satisfies=("ziyang.executive_meeting",), submit="保存常务会议",
        fields=(WebFormField("attributes.executive_meeting.session", "会议", required=True,
                             hint="如：市政府第45次常务会议"),
                WebFormField("attributes.executive_meeting.held_on", "会议日期", "date",
                             required=True),
                WebFormField("attributes.executive_meeting.decision", "审议结果", "choice",
                             tuple(MEETING_DECISIONS.items()), required=True)))
    return WebPage("ziyang_signing", "签约前置", (records,), roles=BOARD_ROLES,
                   filters=(WebFilter("project_id", "项目编号"),), shown_on=("project",),
                   forms=(legal, signatory, meeting),
                   description="签约前须完成合法性审查、登记签署主体；以市政府名义签署的须经常务会议")


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
        signing_page(),
    ]
