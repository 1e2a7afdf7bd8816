"""Pingliang's rules at work in the demo, dated relative to the demo's day (``demo.today``).

- every major or list project entering ``signed`` has its 包抓 leader, its service team and a
  passed 项目评估 (the core's generic projects of 12亿元 and 26亿元 too);
- the four lists: opportunities of four counties (one matched to a project), target
  enterprises with their leaders, key projects in every colour — the 金属镁 project maturing and
  scheduled, the 聚丙烯 project's completion overdue (yellow), the 包装纸 project a year after
  signing with 10% arrived (red), a reserve project silent for 45 days (blue) — and customised
  policy supports, one delivered;
- leads by the seed's channels, shared information (one followed up by a lead);
- targets for counties and a leader; plus and minus points; projects found by departments;
- 帮办代办 for the 金属镁 project: an approval closed on time by the development commission,
  a power connection still open past its deadline at the industry bureau (超期 warning);
- last year's and last quarter's assessments published, last year's promotion funds computed
  (100万元 to the top county, 20万元 to the top department) and the bottom units summoned.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.toolkit import (
    Actor,
    Project,
    complete_evaluation_step,
    compute_rewards,
    create_assessment_run,
    latest_decided_evaluation,
    publish_assessment_run,
    record_evaluation_scores,
    refresh_warnings,
    start_evaluation,
    update_project,
)
from plugins.pingliang import agency, information, lists, scheduling, targets
from plugins.pingliang.assessment import FAMILIES, scheme_code
from plugins.pingliang.baozhua import is_owned_project
from plugins.pingliang.evaluation import FORM_CODE
from plugins.pingliang.models import PointItem
from plugins.pingliang.settings import settings

SYSTEM = Actor(user="system", role="system")
LEADERS = ["市委主要负责人", "市政府主要负责人", "常务副市长", "分管工业副市长"]
TEAM = ["市投资促进局项目服务专员", "属地县区招商局局长", "市直行业部门联络员"]


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# -- gates -----------------------------------------------------------------------------


def register_gates(demo: Any) -> None:
    demo.before_entering("signed", lambda project: _before_signing(demo, project))


def _before_signing(demo: Any, project: Project) -> None:
    if not is_owned_project(project):
        return
    changes: dict[str, Any] = {}
    if not project.leader_name:
        changes["leader_name"] = LEADERS[project.id % len(LEADERS)]
    if not (project.attributes or {}).get("service_team"):
        changes["attributes"] = {"service_team": list(TEAM)}
    if changes:
        update_project(demo.session, demo.city, project, changes, SYSTEM)
    if latest_decided_evaluation(demo.session, FORM_CODE, project_id=project.id) is None:
        _evaluate(demo, project)


def _evaluate(demo: Any, project: Project) -> None:
    """A passed 项目评估 by the commerce bureau and the development commission."""
    evaluation = start_evaluation(
        demo.session, demo.city,
        {"form": FORM_CODE, "reviewers": [{"unit": "dept_commerce", "role": "招商主管部门"},
                                          {"unit": "dept_development", "role": "行业主管部门"}]},
        SYSTEM, project=project)
    dimensions = settings(demo.city)["evaluation"]["dimensions"]
    for offset, reviewer in enumerate(evaluation.reviewers):
        record_evaluation_scores(demo.session, demo.city, evaluation, {
            "reviewer_id": reviewer.id, "hard_refusals": [],
            "scores": [{"dimension": d["code"], "score": Decimal(78 + offset * 4 + i)}
                       for i, d in enumerate(dimensions)]}, SYSTEM)
    for step in ("submitted", "decided"):
        complete_evaluation_step(demo.session, demo.city, evaluation, {
            "step": step, "opinion": "要素保障落实，产业带动性强，同意签约",
            "decision": "approved" if step == "decided" else None}, SYSTEM)


# -- records ---------------------------------------------------------------------------


def load(demo: Any) -> None:
    units = {unit.code: unit for unit in demo.units()}
    projects = _key_projects(demo, units)
    _department_projects(demo, units)
    _lists(demo, units, projects)
    _leads_and_information(demo, units)
    _targets_and_points(demo, units)
    _agency(demo, projects["magnesium"])
    _assessments(demo)


def _listed(demo: Any, project: Project, listed_on: dt.date, **extra: Any) -> None:
    # The list was compiled at the city's investment conference: the project has been known
    # since then (its record is dated so), which is what its progress is measured from.
    project.created_at = dt.datetime.combine(listed_on, dt.time(9), dt.UTC)
    lists.add_item(demo.session, demo.city, lists.LISTS["key_projects"],
                   {"project_id": project.id, "listed_on": listed_on, **extra}, SYSTEM)


def _key_projects(demo: Any, units: dict[str, Any]) -> dict[str, Project]:
    today = demo.today
    conference = today - days(150)
    magnesium = demo.project(
        name="白云岩开采及金属镁冶炼项目", unit=units["huating"], amount=Decimal(2_600_000),
        stage="negotiating", industry="materials", channel="leader_led",
        leader_name="市委主要负责人", dates={"negotiating": today - days(120)},
        enterprise=demo.enterprise(name="东方希望集团有限公司", province="上海市",
                                   tags=["民营500强"]),
        attributes={"service_team": ["市投资促进局局长", "华亭市委书记", "市发展改革委主任"]})
    _listed(demo, magnesium, conference, maturing=True,
            expected_signing_on=today + days(30), note="拟签订战略框架协议，注册金属镁、煤电化冶2个公司")
    for offset, text in ((32, "完成白云岩资源储量核实，形成合作框架协议文本"),
                         (12, "双方就煤电化冶一体化方案达成一致，待报市委常委会审议")):
        scheduling.record_scheduling(demo.session, demo.city, magnesium, {
            "scheduled_on": today - days(offset), "progress": text,
            "problems": "需省级层面协调用能指标", "next_steps": "提请市政府常务会议研究"}, SYSTEM)
    polypropylene = demo.project(
        name="20万吨聚丙烯高值化项目", unit=units["pl_industrial_park"], amount=Decimal(180_000),
        stage="started", industry="coal_clean", channel="chain",
        dates={"signed": today - days(320), "started": today - days(250)})
    demo.milestone(polypropylene, "completion", today - days(25))
    _listed(demo, polypropylene, conference)
    update_project(demo.session, demo.city, polypropylene, {
        "progress_note": "正在安装生产设备", "progress_on": today - days(5)}, SYSTEM)
    demo.funds(polypropylene, Decimal(120_000), today - days(200))
    paper = demo.project(
        name="30万吨包装纸项目", unit=units["jingchuan"], amount=Decimal(150_000),
        stage="signed", industry="materials", channel="fair",
        dates={"signed": today - days(400)},
        enterprise=demo.enterprise(name="山鹰国际控股股份公司", province="上海市",
                                   tags=["上市公司"]))
    _listed(demo, paper, conference)
    demo.funds(paper, Decimal(15_000), today - days(300))
    update_project(demo.session, demo.city, paper, {
        "progress_note": "厂房设计已完成，设备采购资金未到位", "progress_on": today - days(3)}, SYSTEM)
    magnetic = demo.project(
        name="高性能粉末冶金磁性材料项目", unit=units["chongxin"], amount=Decimal(60_000),
        stage="reserve", industry="materials", channel="ambassador")
    _listed(demo, magnetic, today - days(45))
    power = demo.project(
        name="灵台电厂建设项目", unit=units["lingtai"], amount=Decimal(850_000),
        stage="started", industry="coal_clean", channel="leader_led",
        dates={"signed": today - days(280), "started": today - days(220)},
        enterprise=demo.enterprise(name="中国能源建设股份有限公司", province="北京市", tags=["央企"]))
    _listed(demo, power, conference)
    demo.milestone(power, "completion", today + days(400))
    update_project(demo.session, demo.city, power, {
        "progress_note": "主厂房结构封顶", "progress_on": today - days(2)}, SYSTEM)
    demo.funds(power, Decimal(420_000), today - days(90))
    for project in (magnesium, polypropylene, paper, magnetic, power):
        refresh_warnings(demo.session, demo.city, "project", project.id)
    return {"magnesium": magnesium, "paper": paper, "power": power}


def _department_projects(demo: Any, units: dict[str, Any]) -> None:
    """City departments find projects too; they land in a county (credit 3:7)."""
    last_year = dt.date(demo.today.year - 1, 1, 1)
    for finder, host, name, industry, amount, month in (
        ("dept_agriculture", "jingning", "优然牧业高产奶牛牧场牧光互补项目", "red_cattle", 90_000, 4),
        ("dept_commerce", "kongtong", "平凉红牛联合育种及肉食品加工项目", "red_cattle", 45_000, 6),
        ("dept_industry", "zhuanglang", "智能农机装备制造项目", "equipment", 30_000, 9),
    ):
        signed = last_year.replace(month=month, day=15)
        project = demo.project(name=name, unit=units[finder], host=units[host],
                               amount=Decimal(amount), stage="started",
                               industry=industry, channel="chain",
                               dates={"signed": signed, "started": signed + days(40)})
        demo.funds(project, Decimal(amount) * Decimal("0.5"), signed + days(60))


def _lists(demo: Any, units: dict[str, Any], projects: dict[str, Project]) -> dict[str, Any]:
    today = demo.today
    add = lists.add_item
    for unit, name, industry, location, amount, status, project in (
        ("kongtong", "崆峒区煤电冶一体化配套用地", "coal_clean", "平凉工业园区东区", 300_000,
         "open", None),
        ("jingning", "静宁苹果冷链物流及精深加工", "apple", "静宁县城川工业园", 50_000, "open", None),
        ("jingchuan", "泾川西王母文化旅游康养综合体", "culture_tourism", "泾川县回山", 80_000,
         "open", None),
        ("huating", "华亭白云岩资源综合开发", "materials", "华亭市东华镇", 2_600_000, "matched",
         projects["magnesium"].id),
    ):
        add(demo.session, demo.city, lists.LISTS["opportunities"], {
            "name": name, "industry": industry, "unit": unit, "location": location,
            "amount": Decimal(amount), "status": status, "project_id": project,
            "published_on": today - days(150), "description": "要素完善、带动性强、吸引力高"},
            SYSTEM)
    targets_ = {}
    for name, industry, unit, leader, status, tags in (
        ("东方希望集团有限公司", "materials", "huating", "市委主要负责人", "negotiating",
         ["民营500强"]),
        ("中国能源建设股份有限公司", "coal_clean", "lingtai", "常务副市长", "signed", ["央企"]),
        ("现代牧业（集团）有限公司", "red_cattle", "jingning", "分管农业副市长", "contacted",
         ["上市公司"]),
        ("天津渤化集团有限责任公司", "coal_clean", "kongtong", None, "tracking", ["省属国企"]),
    ):
        targets_[name] = add(demo.session, demo.city, lists.LISTS["target_enterprises"], {
            "name": name, "industry": industry, "unit": unit, "leader_name": leader,
            "status": status, "tags": tags, "origin_province": "上海市",
            "approach": "紧盯不放、跟进服务，领导带队点对点上门对接",
            "last_contact_on": today - days(20)}, SYSTEM)
    for data in (
        {"project_id": projects["magnesium"].id, "kind": "land",
         "content": "优先保障白云岩开采及冶炼用地，实行“标准地”出让、拿地即开工", "status": "approved"},
        {"project_id": projects["paper"].id, "kind": "finance", "amount": Decimal(500),
         "content": "设备购置贴息补助", "status": "delivered", "delivered_on": today - days(60)},
        {"target_enterprise_id": targets_["现代牧业（集团）有限公司"].id, "kind": "factors",
         "content": "牧场用电执行农业生产电价，协调饲草种植用地", "status": "proposed"},
    ):
        add(demo.session, demo.city, lists.LISTS["policy_supports"], data, SYSTEM)
    return targets_


def _leads_and_information(demo: Any, units: dict[str, Any]) -> None:
    today = demo.today
    for unit, channel, title in (
        ("zhuanglang", "returning_natives", "归雁工程：在外平凉籍企业家返乡投资中药材加工"),
        ("kongtong", "online_signing", "“云签约”：新能源储能装备制造项目"),
        ("jingchuan", "resident_office", "驻西安招商联络点：文旅康养项目信息"),
    ):
        demo.lead(unit=units[unit], reported_on=today - days(30), channel=channel, title=title,
                  amount=Decimal(20_000), industry="tcm" if "中药" in title else None)
    item = information.share(demo.session, demo.city, {
        "title": "某光伏组件龙头企业拟在西北布局生产基地", "content": "企业计划年内选址，关注绿电供应和用地",
        "enterprise_name": "某光伏组件龙头企业", "industry": "new_energy", "unit": "kongtong",
        "shared_on": today - days(40)}, SYSTEM)
    lead = demo.lead(unit=units["chongxin"], reported_on=today - days(35), channel="chain",
                     title="光伏组件生产基地项目（据共享信息跟进）", industry="new_energy",
                     amount=Decimal(100_000))
    information.follow_up(demo.session, demo.city, item, lead.id, SYSTEM)
    information.share(demo.session, demo.city, {
        "title": "外省肉牛屠宰加工企业寻求活牛稳定供应地", "content": "可对接平凉红牛养殖合作社",
        "enterprise_name": None, "industry": "red_cattle", "unit": "dept_agriculture",
        "shared_on": today - days(10)}, SYSTEM)


def _agency(demo: Any, project: Project) -> None:
    """帮办代办: one request closed on time, one left open past its deadline."""
    today = demo.today
    approval = agency.raise_request(demo.session, demo.city, project, {
        "kind": "approval", "need": "代办项目核准及节能审查手续", "unit": "dept_development",
        "raised_on": today - days(50)}, SYSTEM)
    # Closed ten days after it was raised: on time whatever the holidays (ten working days
    # are never fewer than ten calendar days); the other is past its deadline on any day.
    for step, offset, note in (("accepted", 49, None), ("in_progress", 45, "已报送省发展改革委"),
                               ("completed", 40, "取得项目核准批复和节能审查意见")):
        agency.record_step(demo.session, demo.city, approval, {
            "step": step, "occurred_on": today - days(offset), "note": note}, SYSTEM)
    power = agency.raise_request(demo.session, demo.city, project, {
        "kind": "utility", "need": "协调110千伏变电站接入及施工用电", "unit": "dept_industry",
        "raised_on": today - days(35)}, SYSTEM)
    agency.record_step(demo.session, demo.city, power, {
        "step": "accepted", "occurred_on": today - days(34), "note": None}, SYSTEM)


def _targets_and_points(demo: Any, units: dict[str, Any]) -> None:
    year = demo.today.year
    for data in (
        {"year": year, "unit": "kongtong", "metric": "signed_amount", "target": Decimal(800_000)},
        {"year": year, "unit": "huating", "metric": "signed_amount", "target": Decimal(600_000)},
        {"year": year, "unit": "jingning", "metric": "arrived_amount", "target": Decimal(150_000)},
        {"year": year, "leader_name": "市委主要负责人", "metric": "signed_amount",
         "target": Decimal(2_000_000)},
    ):
        targets.set_target(demo.session, demo.city, data, SYSTEM)
    previous = dt.date(year - 1, 11, 20)
    for unit, points, reason in (
        ("kongtong", Decimal(3), "成功举办全市招商引资推介会，通报表扬"),
        ("zhuanglang", Decimal(-2), "招商项目信息报送不及时、不准确"),
        ("dept_commerce", Decimal(2), "牵头组织“云签约”活动18次"),
    ):
        demo.session.add(PointItem(unit_id=units[unit].id, occurred_on=previous, points=points,
                                   reason=reason, recorded_by="system"))
    demo.session.flush()


def _assessments(demo: Any) -> None:
    """Last year's assessment and last quarter's evaluation, published; last year's funds."""
    today = demo.today
    quarter = (today.month - 1) // 3  # the previous quarter's number, 0 meaning last year's Q4
    quarter_label = f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"
    config = settings(demo.city)["assessment"]
    for family in FAMILIES:
        for period, label in (("year", str(today.year - 1)), ("quarter", quarter_label)):
            if period not in config["periods"]:
                continue
            run = create_assessment_run(demo.session, demo.city,
                                        {"scheme": scheme_code(family, period), "period": label},
                                        SYSTEM, today=today)
            with demo.on_day(today):  # published at the server's time, on the demo's day
                publish_assessment_run(demo.session, demo.city, run, {}, SYSTEM)
    compute_rewards(demo.session, demo.city, {
        "date_from": dt.date(today.year - 1, 1, 1), "date_to": dt.date(today.year - 1, 12, 31),
        "rules": ["pingliang_county_fund", "pingliang_department_fund"]}, SYSTEM)
