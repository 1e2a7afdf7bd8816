"""Lanzhou's demo: 两真四有 at work on last year's books (``zhaoshang demo --city lanzhou``).

Every demo project that is signed — Lanzhou's and the core's generic ones — first passes the
admission evaluation and the investor evaluation, has its 五定 filled when it is key, and is
registered and recognised. Beside them, last year shows each rule: a coking expansion refused
for 高污染, a county-level evaluation by the experts of the pool, a project whose registration
the office has not recognised (no credit, its intermediary's reward refused), a reward cut to
40万元, an exempted penalty beside a counted one, the awards of the published yearly
assessment, reserve projects at business-plan depth against the target of 100, key leads, the
target enterprise library and the monthly promotion events (one month missed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.toolkit import (
    Actor,
    Intermediary,
    Project,
    add_expert,
    approve_reward,
    complete_evaluation_step,
    compute_rewards,
    create_assessment_run,
    latest_decided_evaluation,
    pay_reward,
    publish_assessment_run,
    record_evaluation_scores,
    request_matter,
    start_evaluation,
    update_project,
)
from plugins.lanzhou import fault_tolerance, promotions, recognition, targets
from plugins.lanzhou.assessment import SCHEME
from plugins.lanzhou.evaluations import ADMISSION_FORM, INVESTOR_FORM
from plugins.lanzhou.key_projects import is_key
from plugins.lanzhou.settings import settings

SYSTEM = Actor(user="system", role="system")
OFFICE = Actor(user="兰州市政府合作交流办", role="officer")
CADRES = ["张立新", "李文博", "马晓燕", "王志刚", "赵明轩", "刘海燕"]
TEAMS = ["新区装备制造招商专班", "高新区生物医药招商专班", "数据信息产业招商办", "文旅康养招商办"]


def load(demo: Any) -> None:
    """The ``demo_data`` hook: gates first (they apply to the core's generic projects too)."""
    demo.before_entering("signed", lambda project: _before_signing(demo, project))
    year = demo.today.year - 1
    units = {unit.code: unit for unit in demo.units()}
    experts = _experts(demo)
    people = _intermediaries(demo)
    _last_years_projects(demo, units, experts, people, year)
    _refused_project(demo, units, experts, year)
    _reserve(demo, units, year)
    _key_leads(demo, units, year)
    _penalties(demo, year)
    _targets(demo)
    _promotions(demo, year)
    run = create_assessment_run(demo.session, demo.city, {"scheme": SCHEME, "period": str(year)},
                                SYSTEM, today=demo.today)
    with demo.on_day(min(dt.date(year + 1, 1, 20), demo.today)):  # the server's publication time
        publish_assessment_run(demo.session, demo.city, run, {}, SYSTEM)
    run = compute_rewards(demo.session, demo.city, {"date_from": dt.date(year, 1, 1),
                                                    "date_to": dt.date(year, 12, 31)}, SYSTEM)
    _capped_reward_paid(demo, run, year)


def _capped_reward_paid(demo: Any, run: Any, year: int) -> None:
    """The ledger: the intermediary over the 40万元 cap is approved (the reduction shown) and
    paid with its voucher."""
    capped = next(line for line in run.rewards
                  if line.rule_code == "lanzhou_merit" and line.eligible and line.capped)
    with demo.on_day(demo.today):  # decided and paid on the demo's day, by the server's clock
        approve_reward(demo.session, demo.city, capped,
                       {"reason": "经市招商引资工作领导小组办公室审核，按年度上限 40 万元核定"},
                       OFFICE)
        pay_reward(demo.session, demo.city, capped,
                   {"voucher_ref": f"兰财招奖〔{year + 1}〕0001 号", "paid_on": demo.today}, OFFICE)


# -- what signing needs ------------------------------------------------------------------


def _before_signing(demo: Any, project: Project, reviewers: list[dict] | None = None,
                    score: int = 80) -> None:
    if latest_decided_evaluation(demo.session, ADMISSION_FORM, project_id=project.id) is None:
        evaluate(demo, ADMISSION_FORM, project=project, score=score,
                 reviewers=reviewers or [{"unit": "dept_industry", "role": "行业主管部门"}])
    if latest_decided_evaluation(demo.session, INVESTOR_FORM,
                                 enterprise_id=project.enterprise_id) is None:
        evaluate(demo, INVESTOR_FORM, enterprise=project.enterprise, score=score + 6,
                 reviewers=[{"unit": "office", "role": "市招商部门"}])
    if is_key(demo.city, project) and not (project.attributes or {}).get("responsible_unit"):
        five_fixed(demo, project, CADRES[project.id % len(CADRES)])
    if recognition.registration_of(demo.session, project.id) is None:
        register_and_recognise(demo, project, recognised=True)


def evaluate(demo: Any, form: str, *, score: int, reviewers: list[dict],
             project: Project | None = None, enterprise: Any = None,
             refusals: tuple[tuple[str, str], ...] = ()) -> None:
    """One reviewer per entry scores every dimension ``score``; decided on the scores."""
    evaluation = start_evaluation(demo.session, demo.city, {"form": form, "reviewers": reviewers},
                                  SYSTEM, project=project, enterprise=enterprise)
    config = settings(demo.city)["admission" if form == ADMISSION_FORM else "investor"]
    for index, reviewer in enumerate(evaluation.reviewers):
        record_evaluation_scores(demo.session, demo.city, evaluation, {
            "reviewer_id": reviewer.id,
            "scores": [{"dimension": d["code"], "score": Decimal(score + (index + i) % 5)}
                       for i, d in enumerate(config["dimensions"])],
            "hard_refusals": [{"code": code, "note": note, "ticked": True}
                              for code, note in refusals]}, SYSTEM)
    passed = not refusals
    complete_evaluation_step(demo.session, demo.city, evaluation,
                             {"step": "submitted", "opinion": "评估意见已汇总"}, SYSTEM)
    complete_evaluation_step(demo.session, demo.city, evaluation, {
        "step": "decided", "decision": "approved" if passed else "rejected",
        "opinion": "同意引进" if passed else "不予准入"}, SYSTEM)


def five_fixed(demo: Any, project: Project, person: str, team: str | None = None) -> None:
    """定领导、定责任单位、定责任人、定目标、定时限."""
    update_project(demo.session, demo.city, project, {
        "leader_name": project.leader_name or "市政府分管副市长",
        "attributes": {"responsible_unit": project.host_unit.code, "responsible_person": person,
                       "target": "按协议约定时间开工、竣工、投产",
                       "deadline": (demo.today + dt.timedelta(days=365)).isoformat(),
                       **({"team": team} if team else {})}}, SYSTEM)


def register_and_recognise(demo: Any, project: Project, *, recognised: bool | None,
                           on: dt.date | None = None) -> None:
    """报备 by the project's unit; the office decides (``None``: not yet)."""
    # The clock's day, not the demo's: a project prepared inside ``demo.on_day`` registers on
    # the day it is prepared, which a registration dated later than that day would not be.
    today = demo.city.clock.today()
    day = on or today
    row = recognition.register(demo.session, demo.city, project,
                               {"registered_on": day, "note": "引进单位、中介人如实报备"}, SYSTEM)
    if recognised is not None:
        recognition.decide(demo.session, demo.city, row, {
            "recognised": recognised, "decided_on": min(day + dt.timedelta(days=5), today),
            "note": None if recognised else "中介人无法提供居间服务凭证"}, OFFICE)


# -- people ------------------------------------------------------------------------------


def _experts(demo: Any) -> list[Any]:
    rows = [("陈国华", "生态环境", "兰州大学资源环境学院", "教授"),
            ("刘建平", "产业经济", "甘肃省社会科学院", "研究员"),
            ("孙丽娟", "国土空间规划", "兰州市规划设计研究院", "高级工程师")]
    return [add_expert(demo.session, demo.city, {"name": name, "field": field,
                                                 "organisation": organisation, "title": title},
                       OFFICE) for name, field, organisation, title in rows]


def _intermediaries(demo: Any) -> dict[str, Intermediary]:
    """The intermediaries of the 1‰ merit reward, registered in the introducer registry with
    their public-official status confirmed (not officials), so the reward may be paid."""
    return {"firm": demo.introducer("上海华信招商咨询有限公司", "firm", "021-58881234",
                                    credit_code=demo.firm_credit_code("310115"),
                                    contact_person="周明", public_official="no"),
            "association": demo.introducer("深圳市甘肃商会", "firm", "0755-83456789",
                                           credit_code=demo.firm_credit_code("440300"),
                                           contact_person="马立新", public_official="no"),
            "individual": demo.introducer("王建国", "individual", "13919312345",
                                          public_official="no")}


# -- last year's projects ------------------------------------------------------------------


def _project(demo: Any, units: dict[str, Any], *, name: str, unit: str, amount: int,
             industry: str, stage: str, dates: dict[str, dt.date], tags: list[str],
             attributes: dict[str, Any], intermediary: Intermediary | None = None) -> Project:
    return demo.project(name=name, unit=units[unit], amount=Decimal(amount), stage=stage,
                        dates=dates, industry=industry, attributes=attributes,
                        enterprise=demo.enterprise(tags=tags),
                        intermediary_id=intermediary.id if intermediary else None)


def _last_years_projects(demo: Any, units: dict[str, Any], experts: list[Any],
                         people: dict[str, Intermediary], year: int) -> None:
    def day(month: int, date: int) -> dt.date:
        return dt.date(year, month, date)

    expert_panel = [{"expert_id": expert.id, "role": "评审专家"} for expert in experts]
    # A key project: evaluated by the expert pool, 五定 filled, 6亿元 arrived (1‰ = 60万元,
    # paid 40万元: the cap).
    equipment = _project(
        demo, units, name="兰州新区高端装备制造产业园", unit="lz_new_area", amount=300000,
        industry="advanced_manufacturing", stage="reserve", dates={}, tags=["央企"],
        attributes={"high_tech": True, "annual_tax": "8000", "fixed_assets": "240000",
                    "team": TEAMS[0]}, intermediary=people["firm"])
    five_fixed(demo, equipment, CADRES[0], TEAMS[0])
    with demo.on_day(day(3, 1)):  # evaluated before it is signed
        _before_signing(demo, equipment, expert_panel, score=88)
    demo.advance(equipment, "started", {"signed": day(3, 15), "started": day(6, 1)})
    demo.funds(equipment, Decimal(60000), day(9, 30))
    request_matter(demo.session, demo.city, {
        "project_id": equipment.id, "kind": "land", "title": "新增建设用地计划指标",
        "request": "二期用地需市级统筹新增建设用地计划指标", "requested_on": day(4, 2)}, OFFICE)

    medicine = _project(
        demo, units, name="兰州高新区生物医药研发中心", unit="lz_hitech", amount=80000,
        industry="tcm", stage="signed", dates={"signed": day(5, 10)}, tags=["上市公司"],
        attributes={"high_tech": True, "annual_tax": "2600", "fixed_assets": "52000",
                    "team": TEAMS[1]}, intermediary=people["association"])
    demo.funds(medicine, Decimal(20000), day(11, 20))

    # Below 5亿元: a county-level admission evaluation, run by the experts too.
    data_centre = _project(
        demo, units, name="榆中生态创新城数据中心", unit="yuzhong_eco_city", amount=45000,
        industry="data_info", stage="reserve", dates={}, tags=[],
        attributes={"high_tech": True, "annual_tax": "900", "fixed_assets": "38000",
                    "team": TEAMS[2], "responsible_person": CADRES[2]},
        intermediary=people["individual"])
    with demo.on_day(day(6, 20)):
        _before_signing(demo, data_centre, expert_panel[:2], score=76)
    demo.advance(data_centre, "started", {"signed": day(7, 1), "started": day(9, 1)})
    demo.funds(data_centre, Decimal(8000), day(10, 15))

    # Registered, never recognised: no credit, and its intermediary's reward is refused.
    logistics = _project(
        demo, units, name="七里河区商贸物流综合体", unit="qilihe", amount=30000,
        industry="logistics", stage="reserve", dates={}, tags=[],
        attributes={"annual_tax": "600", "fixed_assets": "25000", "team": TEAMS[3],
                    "responsible_person": CADRES[3]}, intermediary=people["individual"])
    register_and_recognise(demo, logistics, recognised=None, on=day(7, 20))
    demo.advance(logistics, "signed", {"signed": day(8, 1)})
    demo.funds(logistics, Decimal(5000), day(12, 1))

    tourism = _project(
        demo, units, name="黄河大景区文旅康养综合体", unit="yellow_river_scenic", amount=26000,
        industry="culture_tourism", stage="reserve", dates={}, tags=["民营500强"],
        attributes={"annual_tax": "400", "fixed_assets": "21000", "team": TEAMS[3],
                    "responsible_person": CADRES[4]})
    register_and_recognise(demo, tourism, recognised=False, on=day(6, 1))
    register_and_recognise(demo, tourism, recognised=True, on=day(6, 20))  # registered again
    demo.advance(tourism, "signed", {"signed": day(9, 18)})

    # Key, in talks: passed both evaluations, 五定 not yet filled — the checklist says what.
    robotics = _project(
        demo, units, name="安宁区智能制造机器人基地", unit="anning", amount=60000,
        industry="advanced_manufacturing", stage="negotiating", dates={"negotiating": day(10, 8)},
        tags=["行业100强"], attributes={"high_tech": True})
    evaluate(demo, ADMISSION_FORM, project=robotics, score=82,
             reviewers=[{"expert_id": experts[1].id}])
    evaluate(demo, INVESTOR_FORM, enterprise=robotics.enterprise, score=72,
             reviewers=[{"unit": "office"}])


def _refused_project(demo: Any, units: dict[str, Any], experts: list[Any], year: int) -> None:
    """High scores do not save a 高污染 project: the evaluation fails and it may not sign."""
    coking = _project(
        demo, units, name="西固区焦化扩能项目", unit="xigu", amount=120000,
        industry="clean_production", stage="negotiating",
        dates={"negotiating": dt.date(year, 4, 12)}, tags=[], attributes={})
    evaluate(demo, ADMISSION_FORM, project=coking, score=78,
             reviewers=[{"expert_id": experts[0].id}],
             refusals=(("high_pollution", "焦化扩能新增二氧化硫、颗粒物排放，区域环境容量不足"),
                       ("high_emission", "吨焦碳排放高于行业先进值")))


# -- reserve, key leads, penalties, targets, promotions ------------------------------------------


def _reserve(demo: Any, units: dict[str, Any], year: int) -> None:
    """Reserve projects at business-plan depth: 14 last year (target 100), 3 this year."""
    hosts = ["chengguan", "lz_new_area", "lz_hitech", "yuzhong", "land_port", "gaolan"]
    industries = list(demo.city.industries)
    for index in range(17):
        reached = (dt.date(year, 1 + index % 12, 10) if index < 14
                   else min(dt.date(demo.today.year, 1 + index % 3, 12), demo.today))
        demo.project(name=f"{demo.city.industries[industries[index % 10]]['name']}储备项目"
                          f"（{index + 1}）",
                     unit=units[hosts[index % len(hosts)]], amount=Decimal(8000 + index * 1500),
                     industry=industries[index % 10], stage="reserve",
                     attributes={"business_plan": {"reached_on": reached.isoformat(),
                                                   "document": f"商业计划书（第{index + 1}号）"}})
    demo.project(name="皋兰县农产品精深加工储备项目（谋划中）", unit=units["gaolan"],
                 amount=Decimal(6000), industry="circular_agri", stage="reserve")


def _key_leads(demo: Any, units: dict[str, Any], year: int) -> None:
    for title, unit, leader, team in (
            ("氢能装备制造基地线索", "lz_new_area", "市政府常务副市长", "新区氢能产业招商专班"),
            ("中医药大健康产业园线索", "yuzhong", "市政府分管副市长", "榆中中医药招商专班")):
        demo.lead(unit=units[unit], reported_on=dt.date(year, 11, 3), title=title,
                  amount=Decimal(150000), channel="leader_led",
                  attributes={"key_lead": True, "leader": leader, "team": team})


def _penalties(demo: Any, year: int) -> None:
    fault_tolerance.record_penalty(demo.session, demo.city, {
        "unit": "yongdeng", "occurred_on": dt.date(year, 8, 20), "points": Decimal(2),
        "reason": "签约项目未按协议约定时间开工"}, OFFICE)
    exempted = fault_tolerance.record_penalty(demo.session, demo.city, {
        "unit": "xigu", "occurred_on": dt.date(year, 9, 5), "points": Decimal(3),
        "reason": "先行先试的用地支持承诺因政策调整未能兑现，项目流失"}, OFFICE)
    fault_tolerance.exempt(demo.session, demo.city, exempted, {
        "conditions": ["public_interest", "no_private_gain", "unclear_rules"],
        "reason": "出于公心推进项目，未谋取私利，用地政策界限不明确",
        "approver": "市纪委监委、市委组织部", "exempted_on": dt.date(year, 10, 12)}, OFFICE)


def _targets(demo: Any) -> None:
    rows = []
    for name, category, region, industry, unit in (
            ("宁德时代新能源科技股份有限公司", "上市公司", "长三角", "clean_energy", "lz_new_area"),
            ("中国中车集团有限公司", "央企", "环渤海", "advanced_manufacturing", "lz_econ"),
            ("比亚迪股份有限公司", "世界500强", "珠三角", "advanced_manufacturing", "lz_new_area"),
            ("顺丰控股股份有限公司", "中国500强", "珠三角", "logistics", "land_port")):
        rows.append(targets.add_target(demo.session, demo.city, {
            "name": name, "category": category, "region": region, "industry": industry,
            "background": "已在西北布局，有扩产意向", "responsible_unit": unit,
            "approach_plan": "市级领导带队登门拜访，对接产业链配套与要素保障，一企一方案"}, OFFICE))
    targets.change_status(demo.session, demo.city, rows[1], "contacted", OFFICE)


def _promotions(demo: Any, year: int) -> None:
    """One city-level promotion a month out of town, except February (春节)."""
    places = ["上海", "深圳", "北京", "杭州", "广州", "成都", "西安", "南京", "苏州", "天津",
              "武汉", "厦门"]
    for month in range(1, 13):
        if month == 2:
            continue
        promotions.record_promotion(demo.session, demo.city, {
            "held_on": dt.date(year, month, 16), "place": places[month - 1],
            "theme": f"兰州市{places[month - 1]}专题招商推介会", "industry": None}, OFFICE)
