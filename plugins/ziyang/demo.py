"""Ziyang's demo: the six-ones rules at work on top of the core's generic records.

* the seven groups' 六个一 — 基础设施 lacks its investment map (incomplete) and 文旅教体 has two
  city-level leaders (doubled);
* a lead reported two weeks ago and never judged (overdue first-talk judgement, warned), one
  judged a day late, one from the Shenzhen resident office;
* a project found by 雁江区 and transferred to 资阳高新区: signed, funds arrived, tax paid,
  split 3:7 and 1:9 (``GET /api/v1/ziyang/transfers/split``);
* a project refused at signing because its agreement had no legal review (the refusal is kept
  in its progress note), and a 12亿元 project signed in the city government's name after the
  six-step major review and the executive meeting;
* fulfilment outcomes: incentives paid, 二次招商, 清退;
* 委托招商: the commissioned agency in the introducer registry (role 委托招商机构, confirmed not a
  public official) and the project it brought, with verified funds the reward rule pays on;
* the leading group's meetings (one monthly meeting missed) and last month's arena ranking,
  computed and published.

Every demo project that signs gets what Ziyang's gates ask (timetable, legal review, signatory,
the review its size calls for) through :meth:`DemoBuilder.before_entering`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.toolkit import (
    Actor,
    Problem,
    Project,
    assign_lead,
    complete_evaluation_step,
    create_assessment_run,
    publish_assessment_run,
    record_evaluation_scores,
    start_evaluation,
    transition_project,
    unit_by_code,
    update_project,
)
from plugins.ziyang import organisation, six_ones
from plugins.ziyang.arena import ARENA
from plugins.ziyang.fulfilment import record_outcome
from plugins.ziyang.review import COUNTY_REVIEW, FULFILMENT, MAJOR_REVIEW, is_major

DEMO = Actor(user="demo", role="system")
DAY = dt.timedelta(days=1)

# 六个一 of each group: (leader, lead department, functional zone, team, policy, map).
SIX_ONES_DATA: dict[str, tuple[str, tuple[str, str | None], tuple[str, str | None], str, str,
                               str | None]] = {
    "g_manufacturing": ("常务副市长", ("资阳市经济和信息化局", "dept_economy"),
                        ("资阳高新区（中国牙谷）", "hightech_zone"), "先进制造产业招商专班",
                        "资阳市支持先进制造业发展若干政策", "先进制造产业链招商地图"),
    "g_bio_food": ("分管工业副市长", ("资阳市经济和信息化局", "dept_economy"),
                   ("乐至食品饮料产业园", None), "生物医药食品饮料产业招商专班",
                   "资阳市食品饮料产业招商支持政策", "生物医药食品饮料产业招商地图"),
    "g_services": ("分管商务副市长", ("资阳市商务局", "dept_commerce"),
                   ("临空经济区", "lingang_zone"), "现代服务业招商专班",
                   "资阳市现代服务业“4+X”招商支持政策", "现代服务业招商地图"),
    "g_health": ("分管卫健副市长", ("资阳市卫生健康委员会", "dept_health"),
                 ("临空经济区医疗康养园", "lingang_zone"), "医疗康养产业招商专班",
                 "资阳市医疗康养产业招商支持政策", "医疗康养产业招商地图"),
    "g_culture": ("分管文旅副市长", ("资阳市文化广播电视和旅游局", "dept_culture"),
                  ("安岳石刻文化旅游区", "anyue"), "文旅教体产业招商专班",
                  "资阳市文旅教体产业招商支持政策", "文旅教体产业招商地图"),
    "g_agri": ("分管农业副市长", ("资阳市农业农村局", "dept_agri"),
               ("安岳柠檬现代农业园区", "anyue"), "现代农业产业招商专班",
               "资阳市农业“6+3+1”招商支持政策", "现代农业产业招商地图"),
    # The map of 基础设施 has not been drawn yet: the group is reported incomplete.
    "g_infra": ("分管交通副市长", ("资阳市交通运输局", "dept_transport"),
                ("雁江区临空物流园", "yanjiang"), "基础设施项目招商专班",
                "资阳市基础设施领域招商支持政策", None),
}


def load(demo: Any) -> None:
    """Ziyang's records; registered gate helpers also serve the core's generic projects."""
    demo.before_entering("signed", lambda project: prepare_signing(demo, project))
    start = demo.today - dt.timedelta(days=300)
    six_ones_records(demo, start)
    lead_records(demo)
    major_project_id = project_records(demo)
    commissioned_records(demo)
    meeting_records(demo, major_project_id)
    arena_ranking(demo)


# -- gates ------------------------------------------------------------------------------------


def prepare_signing(demo: Any, project: Project) -> None:
    """Timetable, legal review, signatory and the review a project's size calls for."""
    start = project.milestone("start")
    base = start.planned_on if start else demo.today
    for kind, days in (("completion", 540), ("production", 600)):
        if project.milestone(kind) is None:
            demo.milestone(project, kind, base + dt.timedelta(days=days))
    attributes = dict(project.attributes or {})
    # Reviewed before it is signed (the demo enters the signing on its day: the clock's today).
    reviewed_on = demo.city.clock.today() - 10 * DAY
    attributes.setdefault("legal_review", {
        "reviewer": "资阳市司法局法律顾问室", "reviewed_on": reviewed_on.isoformat(),
        "conclusion": "passed", "scope": ["agreement", "preferential_terms",
                                          "investor_rights_duties"]})
    attributes.setdefault("signatory", "county_government")
    update_project(demo.session, demo.city, project, {"attributes": attributes}, DEMO)
    evaluate(demo, project, MAJOR_REVIEW if is_major(project) else COUNTY_REVIEW, Decimal(82))


def evaluate(demo: Any, project: Project, form_code: str, score: Decimal,
             approve: bool = True) -> Any:
    """Run an evaluation form through every step (one reviewer scoring every dimension)."""
    form = next(f for f in demo.city.call("evaluation_forms") if f.code == form_code)
    evaluation = start_evaluation(demo.session, demo.city, {
        "form": form_code, "reviewers": [{"name": "行业专家 刘高工", "role": "行业专家"}]},
        DEMO, project=project)
    record_evaluation_scores(demo.session, demo.city, evaluation, {
        "reviewer_id": evaluation.reviewers[0].id, "hard_refusals": [],
        "scores": [{"dimension": d.code, "score": score} for d in form.dimensions]}, DEMO)
    for step in form.steps[:-1]:
        complete_evaluation_step(demo.session, demo.city, evaluation,
                                 {"step": step, "opinion": "同意"}, DEMO)
    return complete_evaluation_step(demo.session, demo.city, evaluation, {
        "step": form.steps[-1], "opinion": "同意" if approve else "不同意",
        "decision": "approved" if approve else "rejected"}, DEMO)


# -- rule 1: the six ones ------------------------------------------------------------------------


def six_ones_records(demo: Any, appointed_on: dt.date) -> None:
    for group_code, (leader, department, zone, team, policy, chart) in SIX_ONES_DATA.items():
        items = [("leader", leader, None), ("lead_department", *department),
                 ("functional_zone", *zone), ("team", team, None), ("policy", policy, None)]
        if chart:
            items.append(("map", chart, None))
        for kind, name, unit in items:
            six_ones.add_one(demo.city, demo.session, group_code, {
                "kind": kind, "name": name, "unit": unit, "appointed_on": appointed_on}, "demo")
    # Two city-level leaders for 文旅教体: reported as doubled.
    six_ones.add_one(demo.city, demo.session, "g_culture", {
        "kind": "leader", "name": "市政协副主席", "appointed_on": appointed_on + 30 * DAY}, "demo")


# -- rule 2: first-talk judgements ------------------------------------------------------------------


def lead_records(demo: Any) -> None:
    today = demo.today
    lezhi = unit(demo, "lezhi")
    demo.lead(unit=lezhi, reported_on=today - 14 * DAY, industry="bio_food",
              amount=Decimal(30000), channel="chain", title="柠檬饮料精深加工项目信息（未按期研判）")
    late = demo.lead(unit=unit(demo, "anyue"), reported_on=today - 20 * DAY,
                     industry="modern_agri", amount=Decimal(15000), channel="fair",
                     title="柠檬种植基地扩建项目信息（研判超期一天）")
    with demo.on_day(demo.city.calendar.add_workdays(late.first_talk_due, 1)):
        assign_lead(demo.session, demo.city, late, {"first_talk_unit": "anyue"}, DEMO)
    demo.lead(unit=unit(demo, "ro_shenzhen"), reported_on=today - DAY,
              industry="advanced_manufacturing", amount=Decimal(60000),
              channel="resident_office", title="深圳驻点招商：智能终端零部件项目信息",
              attributes={"target_region": "珠三角"})


# -- rules 3–7: projects --------------------------------------------------------------------------


def unit(demo: Any, code: str) -> Any:
    return unit_by_code(demo.session, code, "unit")


def project_records(demo: Any) -> int:
    """The rule-showing projects; returns the major project's id (its meeting names it)."""
    today = demo.today
    signed_on = today - 150 * DAY
    dates = {"signed": signed_on, "started": signed_on + 40 * DAY}
    # Rule 3: found by 雁江区, hosted by 资阳高新区; figures split 3:7, tax 1:9.
    transferred = demo.project(
        name="口腔医疗器械产业化项目（流转落户）", unit=unit(demo, "yanjiang"),
        amount=Decimal(80000), stage="started", dates=dates, industry="advanced_manufacturing",
        host=unit(demo, "hightech_zone"))
    demo.funds(transferred, Decimal(24000), signed_on + 60 * DAY)
    update_project(demo.session, demo.city, transferred, {"attributes": {"tax_paid": "600"}},
                   DEMO)
    # Rule 5: no legal review — signing refused, the refusal kept in the progress note.
    refused_project = demo.project(
        name="新型建材生产线项目（缺合法性审查）", unit=unit(demo, "lezhi"), amount=Decimal(20000),
        stage="negotiating", dates={"signed": today}, industry="infrastructure")
    attempt_signing_without_legal_review(demo, refused_project)
    # Rules 4 and 5: 12亿元, six-step review, signed in the city government's name.
    major = demo.project(
        name="临空经济区航空物流枢纽项目", unit=unit(demo, "lingang_zone"), amount=Decimal(120000),
        stage="signed", dates={"signed": today - 60 * DAY}, industry="modern_services",
        attributes={"signatory": "city_government", "executive_meeting": {
            "session": "资阳市人民政府第38次常务会议", "held_on": (today - 65 * DAY).isoformat(),
            "decision": "approved"}})
    # Rule 6: the three fulfilment outcomes.
    fulfilment_records(demo, signed_on)
    return major.id


def commissioned_records(demo: Any) -> None:
    """委托招商: the agency the city commissioned, registered in the introducer registry through
    its service with its role (委托招商机构) and confirmed not a state public official, and the
    project it brought (channel ``commissioned``) — started, its funds verified — for which the
    委托招商 reward rule proposes its reward."""
    agency = demo.introducer(
        "成渝双城招商服务有限公司", "firm", "028-86123456",
        credit_code=demo.firm_credit_code("510100"), contact_person="陈经理",
        roles=("commissioned_agency",), public_official="no",
        basis="演示数据：受托机构为企业法人，非国家机关；委托招商协议已备案")
    signed_on = demo.today - 120 * DAY
    project = demo.project(
        name="牙科种植体生产基地项目（委托招商）", unit=unit(demo, "hightech_zone"),
        amount=Decimal(36000), stage="started", industry="advanced_manufacturing",
        dates={"signed": signed_on, "started": signed_on + 30 * DAY}, channel="commissioned",
        intermediary_id=agency.id)
    demo.funds(project, Decimal(9000), signed_on + 45 * DAY)


def attempt_signing_without_legal_review(demo: Any, project: Project) -> None:
    for kind, days in (("start", 60), ("completion", 540), ("production", 600)):
        demo.milestone(project, kind, demo.today + dt.timedelta(days=days))
    update_project(demo.session, demo.city, project,
                   {"attributes": {"signatory": "county_government"}}, DEMO)
    evaluate(demo, project, COUNTY_REVIEW, Decimal(75))
    try:
        # Refused before anything is written: the guard runs ahead of any change.
        transition_project(demo.session, demo.city, project,
                           {"target": "signed", "occurred_on": demo.today}, DEMO)
    except Problem as problem:
        update_project(demo.session, demo.city, project, {
            "progress_note": f"签约申请被退回：{problem.detail}",
            "progress_on": demo.today}, DEMO)


def fulfilment_records(demo: Any, signed_on: dt.date) -> None:
    outcomes = [
        ("anyue", "柠檬精深加工项目", "modern_agri", Decimal(90), "fulfilling",
         {"incentive_policy": "agri_631", "incentive_amount": Decimal(300),
          "paid_on": demo.today - 10 * DAY}),
        ("yanjiang", "智能装备制造基地项目", "advanced_manufacturing", Decimal(48), "reattraction",
         {"partner": "成都某智能制造集团（拟引入）"}),
        ("lezhi", "食品冷链物流园项目", "bio_food", Decimal(25), "clearance", {}),
    ]
    for code, name, industry, score, outcome, extra in outcomes:
        project = demo.project(name=name, unit=unit(demo, code), amount=Decimal(30000),
                               stage="started", industry=industry,
                               dates={"signed": signed_on, "started": signed_on + 30 * DAY})
        evaluate(demo, project, FULFILMENT, score, approve=outcome == "fulfilling")
        record_outcome(demo.session, demo.city, project, {
            "outcome": outcome, "evaluated_on": demo.today - 12 * DAY,
            "basis": "对照投资协议约定的投资进度、产值和税收条款逐项评估"} | extra, DEMO)


# -- rule 9: meetings -------------------------------------------------------------------------------


def meeting_records(demo: Any, major_project_id: int) -> None:
    """This year's meetings: the deputy's every past month but one, the leader's every quarter."""
    today = demo.today
    skipped = month_start(today, 3)
    for month in range(1, today.month):
        first = dt.date(today.year, month, 1)
        if first == skipped:
            continue  # the deputy's meeting was missed that month: the cadence report shows it
        organisation.record_meeting(demo.city, demo.session, {
            "kind": "deputy", "held_on": first + 24 * DAY,
            "chair": "分管招商引资工作的副市长（副组长）", "topics": "调度重大招商项目推进情况"},
            "demo")
    for quarter_end in range(3, today.month, 3):
        organisation.record_meeting(demo.city, demo.session, {
            "kind": "leader", "held_on": dt.date(today.year, quarter_end, 27),
            "chair": "市长（组长）", "topics": "研究重大招商项目和支持政策",
            "decisions": "同意临空经济区航空物流枢纽项目提交市政府常务会议审议",
            "project_ids": [major_project_id]}, "demo")


def month_start(today: dt.date, months_ago: int) -> dt.date:
    year, month = today.year, today.month - months_ago
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


# -- rule 8: the arena --------------------------------------------------------------------------------


def arena_ranking(demo: Any) -> None:
    """Last month's arena: a few projects signed in it, the ranking computed and published, then
    a signing entered late and a corrected ranking published superseding the first, with the
    reason (both kept; the correction opens a new objection window)."""
    first = month_start(demo.today, 1)
    period = first.strftime("%Y-%m")
    published = min(demo.city.calendar.add_workdays(month_start(demo.today, 0), 3), demo.today)
    for index, (code, amount) in enumerate((("anyue", 45000), ("hightech_zone", 65000),
                                            ("yanjiang", 25000))):
        if index == 2:  # 雁江区's signing is entered after the first publication
            run = create_assessment_run(demo.session, demo.city, {
                "scheme": ARENA, "period": period}, DEMO, today=demo.today)
            # Published at the server's time: the clock is set to the day the office published.
            with demo.on_day(published):
                publish_assessment_run(demo.session, demo.city, run, {}, DEMO)
        project = demo.project(
            name=f"擂台赛演示签约项目（{index + 1}）", unit=unit(demo, code), amount=Decimal(amount),
            stage="signed", dates={"signed": first + (3 + index * 5) * DAY},
            industry="advanced_manufacturing")
        demo.funds(project, Decimal(amount) / 5, first + (8 + index * 5) * DAY)
    corrected = create_assessment_run(demo.session, demo.city, {
        "scheme": ARENA, "period": period}, DEMO, today=demo.today)
    with demo.on_day(min(demo.city.calendar.add_workdays(published, 1), demo.today)):
        publish_assessment_run(demo.session, demo.city, corrected, {
            "reason": "雁江区上月签约项目漏报，补录后更正排名"}, DEMO)
