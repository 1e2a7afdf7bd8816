"""Sanming's demo: the campaign's rules at work, dated relative to the demo's day.

- every demo project entering ``signed`` records its 经济账 and its 法规账 review, item by item; a key
  project also gets a commissioner (招商专员) and a passed pre-evaluation (前期评价);
  every project that ends says why (``reason_category``);
- key projects by each basis (≥10亿元, 省重点 ≥5亿元, 市县认定) and one 20亿元 real-estate
  project that is not key; a matter (一事一议) of a key project decided by a city leader;
- first-contact responsibility: 永安市 reports an investor first, 三元区 reports it later
  (linked, no points); the investor's project is found by 永安市 and lands in the high-tech
  zone with a negotiated 4:6 transfer; its tax is settled for last year by both sides;
- lead points and a battle report for last month; a published quarterly assessment whose
  bottom units are listed for a summons (约谈);
- a landed project whose second rolling check found it out of the statistics (false report →
  red warning, case, penalty) and one whose first check is overdue;
- a non-objective loss and a move-out opening accountability cases;
- park resources of all five kinds, offered and taken; joint and working-group meetings;
  advisors (招商顾问) whose projects and leads earn 金牌顾问, 金线索奖, 荣誉市民 nominations.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    Actor,
    Intermediary,
    Project,
    StageTransition,
    Unit,
    complete_evaluation_step,
    complete_work_order,
    create_assessment_run,
    decide_matter,
    issue_work_order,
    latest_decided_evaluation,
    propose_matter,
    publish_assessment_run,
    record_evaluation_scores,
    request_matter,
    start_evaluation,
    transition_project,
    update_project,
)
from plugins.sanming import (
    discipline,
    legal_review,
    meetings,
    park_resources,
    rolling_evaluation,
    tax_settlement,
)
from plugins.sanming.evaluations import PRE_FORM
from plugins.sanming.key_projects import key_basis
from plugins.sanming.settings import settings

SYSTEM = Actor(user="system", role="system")
LEADER = Actor(user="市领导（分管招商副市长）", role="leader")
ECONOMIC = {"tax": "1200", "jobs": 300}
# The 法规账 review of every demo project: item → (finding, reason, note).
LEGAL = {"environment": ("pass", None, "符合园区规划环评要求"),
         "safety": ("pass", None, "安全预评价已完成"),
         "land": ("pass", None, "使用批而未供工业用地"),
         "forest": ("not_applicable", "项目用地不涉及林地", None)}
COMMISSIONERS = ["林晓峰", "陈丽华", "黄建明", "郑雅琴", "吴志强"]


def load(demo: Any) -> None:
    """The ``demo_data`` hook: gates first (they apply to the core's generic projects too)."""
    demo.before_entering("signed", lambda project: _before_signing(demo, project))
    demo.before_entering("lost", lambda project: _before_loss(demo, project))
    units = {unit.code: unit for unit in demo.units()}
    advisors = _advisors(demo)
    _key_projects(demo, units, advisors)
    transferred = _first_contact(demo, units, advisors)
    _battle_month(demo, units, advisors)
    _rolling(demo, units)
    _discipline(demo, units)
    _resources(demo, units, transferred)
    _tax(demo, transferred)
    _meetings(demo)
    _published_runs(demo)


# -- gates ------------------------------------------------------------------------------


def _update(demo: Any, project: Project, attributes: dict[str, Any]) -> None:
    update_project(demo.session, demo.city, project, {"attributes": attributes}, SYSTEM)


def _before_signing(demo: Any, project: Project) -> None:
    attributes = project.attributes or {}
    missing: dict[str, Any] = {}
    if not attributes.get("economic_account"):
        missing["economic_account"] = dict(ECONOMIC)
    _legal_review(demo, project)
    if key_basis(demo.city, project) and not attributes.get("commissioner"):
        missing["commissioner"] = COMMISSIONERS[project.id % len(COMMISSIONERS)]
    if missing:
        _update(demo, project, missing)
    if project.agreement_amount is None:  # projects converted from leads
        update_project(demo.session, demo.city, project, {"agreement_amount": project.amount},
                       SYSTEM)
    if key_basis(demo.city, project) and latest_decided_evaluation(
            demo.session, PRE_FORM, project_id=project.id) is None:
        _pre_evaluation(demo, project)


def _legal_review(demo: Any, project: Project) -> None:
    """Each item of the 法规账 reviewed on the day the project entered negotiation (before its
    signing, whatever day the demo signs it)."""
    if legal_review.current_reviews(demo.session, [project.id]):
        return
    entered = demo.session.scalar(sa.select(sa.func.max(StageTransition.occurred_on)).where(
        StageTransition.project_id == project.id))
    reviewed_on = min(entered or demo.today, demo.today)
    for code, (finding, reason, note) in LEGAL.items():
        legal_review.record(demo.session, demo.city, project, code, {
            "finding": finding, "reason": reason, "note": note, "reviewer": "演示审查员",
            "reviewed_on": reviewed_on}, SYSTEM)


def _pre_evaluation(demo: Any, project: Project) -> None:
    """A passed 前期评价 by the development commission, scored on every dimension."""
    evaluation = start_evaluation(
        demo.session, demo.city,
        {"form": PRE_FORM, "reviewers": [{"unit": "dept_development", "role": "行业主管部门"}]},
        SYSTEM, project=project)
    dimensions = settings(demo.city)["evaluation"]["pre_dimensions"]
    record_evaluation_scores(demo.session, demo.city, evaluation, {
        "reviewer_id": evaluation.reviewers[0].id, "hard_refusals": [],
        "scores": [{"dimension": d["code"], "score": Decimal(80 + i * 2)}
                   for i, d in enumerate(dimensions)]}, SYSTEM)
    for step in ("submitted", "decided"):
        complete_evaluation_step(demo.session, demo.city, evaluation, {
            "step": step, "opinion": "产业链契合度高，两本账算得清，同意签约",
            "decision": "approved" if step == "decided" else None}, SYSTEM)


def _before_loss(demo: Any, project: Project) -> None:
    if not (project.attributes or {}).get("reason_category"):
        _update(demo, project, {"reason_category": "objective"})


# -- records ---------------------------------------------------------------------------


def _advisors(demo: Any) -> list[Intermediary]:
    """三明招商顾问 in the introducer registry (引荐人名录), 金牌顾问 among them; the last one's
    public-official status is not confirmed yet."""
    rows = [("深圳招商顾问 李国栋", "13805981001", ("gold_advisor",), "no"),
            ("上海招商顾问 王思远", "13805981002", ("gold_advisor",), "no"),
            ("台湾招商顾问 陈志明", "13805981003", (), None)]
    return [demo.introducer(name, "advisor", phone, roles=roles, public_official=official,
                            notes="招商顾问聘书在册") for name, phone, roles, official in rows]


def _ago(demo: Any, days: int) -> dt.date:
    return demo.today - dt.timedelta(days=days)


def _key_projects(demo: Any, units: dict[str, Unit], advisors: list[Intermediary]) -> None:
    fluorine = demo.project(
        name="含氟新材料产业园项目", unit=units["qingliu"], amount=Decimal(150000),
        industry="new_materials", stage="started",
        dates={"signed": _ago(demo, 200), "started": _ago(demo, 120)},
        enterprise=demo.enterprise(name="上海氟源新材料科技股份有限公司", tags=["中国500强"]),
        attributes={"commissioner": "林晓峰", "chain": "fluorine", "map": "fluorine_fine",
                    "link": "midstream", "method": "investment_map", "region": "yrd"},
        intermediary_id=advisors[1].id)
    demo.funds(fluorine, Decimal(42000), _ago(demo, 90))
    matter = request_matter(demo.session, demo.city, {
        "project_id": fluorine.id, "kind": "land", "title": "二期用地指标保障",
        "request": "二期需新增工业用地 300 亩，请求市级统筹用地指标",
        "requested_amount": None, "requested_on": _ago(demo, 100), "owner_unit": "qingliu"},
        SYSTEM)
    propose_matter(demo.session, demo.city, matter, {
        "proposal": "一事一议：由市自然资源局统筹调剂用地指标", "support_amount": None}, SYSTEM)
    order = issue_work_order(demo.session, demo.city, matter, {
        "unit": "dept_natural_resources", "task": "核实可调剂用地指标并提出方案",
        "issued_on": _ago(demo, 99), "due_workdays": 5}, SYSTEM)
    complete_work_order(demo.session, demo.city, matter, order.id, {
        "done_on": _ago(demo, 97), "note": "已提出调剂方案"}, SYSTEM)
    decide_matter(demo.session, demo.city, matter, {
        "decision": "approved", "decision_text": "同意统筹调剂，按一企一策保障",
        "decided_on": _ago(demo, 95), "conditions": [], "meeting_ref": None}, LEADER)
    demo.project(
        name="稀土功能材料深加工项目（省重点）", unit=units["mingxi"], amount=Decimal(60000),
        industry="new_materials", stage="signed", dates={"signed": _ago(demo, 40)},
        attributes={"provincial_key": True, "chain": "silicon", "map": "silicon_map",
                    "link": "downstream"})
    demo.project(
        name="沙县小吃中央厨房项目（县认定）", unit=units["shaxian"], amount=Decimal(30000),
        industry="special_agri", stage="negotiating",
        attributes={"recognised_key": True, "recognised_by": "county", "chain": "shaxian_snacks",
                    "map": "snacks_supply", "link": "midstream"}, intermediary_id=advisors[0].id)
    demo.project(name="三元区滨江商住综合体项目", unit=units["sanyuan"], amount=Decimal(200000),
                 industry="real_estate", stage="negotiating")


def _first_contact(demo: Any, units: dict[str, Unit], advisors: list[Intermediary]) -> Project:
    investor = demo.enterprise(name="深圳烯能科技有限公司", tags=["独角兽"])
    first = demo.lead(unit=units["yongan"], reported_on=_ago(demo, 800), industry="new_materials",
                      amount=Decimal(80000), channel="intermediary", enterprise=investor,
                      title="石墨烯导热膜生产基地", intermediary_id=advisors[0].id,
                      attributes={"chain": "graphene", "region": "gba"})
    demo.lead(unit=units["sanyuan"], reported_on=_ago(demo, 780), industry="new_materials",
              amount=Decimal(80000), enterprise=dict(investor), title="石墨烯项目（重复报送）")
    demo.assign_lead(first, units["yongan"], _ago(demo, 798))
    project = demo.convert_lead(first, Decimal(80000), name="石墨烯导热膜生产基地项目",
                                attributes={"chain": "graphene", "map": "graphene_material",
                                            "link": "downstream", "method": "legwork",
                                            "first_tax_on": _ago(demo, 500).isoformat()})
    demo.transfer(project, units["sm_hitech"], _ago(demo, 760), indicator_ratio="4:6",
                  tax_ratio="4:6")
    demo.advance(project, "started", {"signed": _ago(demo, 740), "started": _ago(demo, 650)})
    demo.funds(project, Decimal(30000), _ago(demo, 600))
    return project


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def _battle_month(demo: Any, units: dict[str, Unit], advisors: list[Intermediary]) -> None:
    """Last month: leads from every county, some judged, some signed and started."""
    start, _ = _month_bounds(demo.today)
    counties = [units[code] for code in ("sanyuan", "shaxian", "yongan", "mingxi", "youxi",
                                         "datian", "jiangle", "taining", "ninghua")]
    for index, unit in enumerate(counties):
        lead = demo.lead(unit=unit, reported_on=start + dt.timedelta(days=index),
                         amount=Decimal(10000 + 5000 * index), channel="chain",
                         intermediary_id=advisors[2].id if index == 0 else None,
                         attributes={"method": "legwork"})
        if index % 3 == 2:
            continue
        demo.assign_lead(lead, unit, start + dt.timedelta(days=index + 2))
        if index % 3 == 0:
            project = demo.convert_lead(lead, Decimal(20000 + 10000 * index))
            demo.advance(project, "started" if index < 4 else "signed",
                         {"signed": start + dt.timedelta(days=index + 8),
                          "started": start + dt.timedelta(days=index + 15)})


def _rolling(demo: Any, units: dict[str, Unit]) -> None:
    """A project two years in with a false second check, and one with its first overdue."""
    quarter_start, _ = _previous_quarter(demo.today)
    started = rolling_evaluation.anniversary(quarter_start + dt.timedelta(days=10), -2)
    flagged = demo.project(name="高端纺织面料生产线项目", unit=units["youxi"], amount=Decimal(45000),
                           industry="textiles", stage="started",
                           dates={"signed": started - dt.timedelta(days=60), "started": started})
    for year, in_statistics in ((1, True), (2, False)):
        rolling_evaluation.record_check(demo.session, demo.city, flagged, {
            "year": year, "checked_on": rolling_evaluation.anniversary(started, year),
            "in_statistics": in_statistics, "paying_tax": True, "investment_as_declared": True,
            "verified_amount": None, "serious": False,
            "note": None if in_statistics else "统计部门未查到该企业入统记录"}, SYSTEM)
    late_start = _ago(demo, 400)
    demo.project(name="现代种业制种加工中心项目", unit=units["jianning"], amount=Decimal(25000),
                 industry="seed_industry", stage="started",
                 dates={"signed": late_start - dt.timedelta(days=30), "started": late_start})


def _discipline(demo: Any, units: dict[str, Unit]) -> None:
    lost = demo.project(name="光伏组件配套项目", unit=units["datian"], amount=Decimal(35000),
                        industry="new_materials", stage="negotiating")
    _update(demo, lost, {"reason_category": "non_objective"})
    transition_project(demo.session, demo.city, lost, {
        "target": "lost", "occurred_on": _ago(demo, 20),
        "reason": "对接不及时，客商转投外地"}, SYSTEM)
    moved = demo.project(name="竹家居制品项目", unit=units["jiangle"], amount=Decimal(18000),
                         industry="special_agri", stage="completed",
                         dates={"signed": _ago(demo, 700), "started": _ago(demo, 640),
                                "completed": _ago(demo, 300)})
    discipline.record_case(demo.session, demo.city, {
        "kind": "moved_out", "project_id": moved.id, "opened_on": _ago(demo, 15),
        "detail": "企业整体迁往外省，生产线已停止"}, SYSTEM)


def _resources(demo: Any, units: dict[str, Unit], project: Project) -> None:
    items = [
        ("sm_hitech", "idle_land", "高新区金沙园闲置工业用地", "86", "亩", "3440"),
        ("sm_hitech", "idle_building", "高新区标准厂房 3 号楼", "12000", "平方米", None),
        ("sm_etdz", "idle_asset", "原机械厂闲置设备及办公楼", None, None, "1800"),
        ("sm_etdz", "bad_asset", "某铸造企业抵押不良资产包", None, None, "5600"),
        ("eco_new_town", "stalled_project", "生态新城烂尾商业综合体", "45", "亩", "21000"),
        ("eco_new_town", "idle_land", "生态新城数字产业园预留地", "120", "亩", "6000"),
    ]
    created = []
    for park, kind, name, area, unit, price in items:
        created.append(park_resources.add_resource(demo.session, demo.city, {
            "park": park, "kind": kind, "name": name, "location": units[park].name,
            "area": Decimal(area) if area else None, "area_unit": unit,
            "reference_price": Decimal(price) if price else None,
            "description": "摸底入库，对外招引推介"}, SYSTEM))
    park_resources.offer_resource(demo.session, demo.city, created[0], {
        "offered_to": "厦门瑞丰新能源有限公司", "offered_on": _ago(demo, 30)}, SYSTEM)
    park_resources.offer_resource(demo.session, demo.city, created[4], {
        "offered_to": "上海万盛文旅集团", "offered_on": _ago(demo, 12)}, SYSTEM)
    park_resources.take_resource(demo.session, demo.city, created[1], {
        "project_id": project.id, "taken_on": _ago(demo, 360)}, SYSTEM)


def _tax(demo: Any, project: Project) -> None:
    year = demo.today.year - 1
    settlement = tax_settlement.propose_settlement(demo.session, demo.city, project, {
        "year": year, "local_tax": Decimal(860)}, SYSTEM)
    for unit in ("yongan", "sm_hitech"):
        tax_settlement.confirm_settlement(demo.session, demo.city, settlement, {
            "confirmed_on": min(dt.date(demo.today.year, 1, 20), demo.today)},
            Actor(user=f"{unit}-财政", role="clerk", unit=unit))


def _meetings(demo: Any) -> None:
    start, end = _previous_quarter(demo.today)
    meetings.record_meeting(demo.session, demo.city, {
        "kind": "joint", "group": None, "held_on": end - dt.timedelta(days=5),
        "chair": "市委书记", "topics": "听取本季度大招商招好商攻坚战役汇报",
        "decisions": "对排名后三位的县（市、区）进行约谈"}, SYSTEM)
    for month in range(3):
        held_on = (start + dt.timedelta(days=31 * month)).replace(day=20)
        for group in ("wg_industry", "wg_agri"):
            meetings.record_meeting(demo.session, demo.city, {
                "kind": "working_group", "group": group, "held_on": held_on,
                "chair": "分管副市长", "topics": "研究解决重点项目具体事项", "decisions": None},
                SYSTEM)


def _previous_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first - dt.timedelta(days=1)
    return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end


def _published_runs(demo: Any) -> None:
    """Last quarter's joint-meeting assessment (with the false report's penalty) and last
    month's battle-report ranking, both published; the summons list reads the latest."""
    quarter, _ = _previous_quarter(demo.today)
    month, _ = _month_bounds(demo.today)
    for scheme, label in (("sanming_quarter", f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"),
                          ("sanming_month", month.strftime("%Y-%m"))):
        run = create_assessment_run(demo.session, demo.city, {"scheme": scheme, "period": label},
                                    SYSTEM, today=demo.today)
        with demo.on_day(demo.today):  # published at the server's time, on the demo's day
            publish_assessment_run(demo.session, demo.city, run, {}, SYSTEM)
