"""Changsha's demo: 一事一议 at work, a park misfit with its reason, ambassadors and targets.

Everything goes through the core's services (so every change has its event),
dated relative to the day the demo is loaded:

- 长沙招商大使 ambassadors and an intermediary firm; one ambassador is a state
  public official, so the reward for the project he brought is refused.
- Major projects with leaders and task forces: a 60亿元 project whose land matter
  the executive meeting decided with conditions (one met, one open); a 15亿元
  project whose talent matter a city leader decided; a biomedicine project in the
  machinery park, flagged ``park_mismatch`` with its recorded justification; one
  in talks with a finance matter awaiting its proposal and a late work order; one
  signed and silent since (pressed in the monthly report); one completed this
  year (on the site-tour list); one landed long ago with an unmet condition and
  little money arrived (回头看 needs supervision).
- The target library (500强, headquarters, 湘商回归) on the chains' links.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    Actor,
    City,
    Intermediary,
    Project,
    Unit,
    check_matter_condition,
    compute_rewards,
    decide_matter,
    issue_work_order,
    propose_matter,
    request_matter,
    update_project,
)
from plugins.changsha import majors, parks
from plugins.changsha.models import ChangshaTarget

OFFICE = Actor(user="市招商合作局", role="officer")
LEADER = Actor(user="分管副市长", role="leader")
DEMO = Actor(user="演示数据", role="system")

AMBASSADORS = (
    # key, name, kind, phone, public official as the office confirmed it (None: not yet)
    ("liu", "长沙招商大使·刘建国（香港湖南商会）", "ambassador", "13807310001", None),
    ("chen", "长沙招商大使·陈思远（深圳市湖南商会）", "ambassador", "13807310002", "no"),
    ("wang", "长沙招商大使·王志刚（市直机关干部）", "ambassador", "0731-88665000", "yes"),
    ("firm", "湖南中商投资咨询有限公司", "firm", "0731-88665001", "no"),
)

TARGETS = (
    # name, library, headquarters type, 湘商回归, chain, link, segment
    ("博世力士乐（中国）有限公司", "世界500强", None, False, "construction_machinery", "fill", "高端液压件"),
    ("某德资工程机械控制系统集团", "世界500强", "研发中心", False, "construction_machinery", "fill",
     None),
    ("某国内汽车电子龙头企业", "行业前20强", None, False, "auto", "fill", "汽车电子"),
    ("某车规级芯片设计企业", "行业前20强", "研发中心", False, "auto", "fill", "车规级芯片"),
    ("某央企新能源汽车集团", "中国500强", "区域总部", False, "auto", "strengthen", None),
    ("某功率半导体封测企业", "民营500强", None, False, "electronic_info", "fill", "集成电路封测"),
    ("某北斗导航应用集团", None, "总部", True, "electronic_info", "grow", None),
    ("某碳纤维复合材料企业", "民营500强", None, True, "new_materials", "fill", "碳基材料"),
    ("某跨国医药企业中国公司", "世界500强", "采购中心", False, "biomedicine", "extend", None),
    ("深圳某湘籍企业集团", None, "结算中心", True, None, None, None),
    ("某湘商回归医疗器械企业", None, None, True, "biomedicine", "extend", None),
    ("某省外金融控股集团", "中国500强", "区域总部", False, None, None, None),
)

TASK_FORCE_MEMBERS = ["市招商合作局", "市发展改革委", "市自然资源规划局", "所在园区管委会"]


def unit(session: Any, code: str) -> Unit:
    return session.scalar(sa.select(Unit).where(Unit.code == code))


def task_force(name: str) -> dict[str, Any]:
    return {"name": f"{name}工作专班", "members": TASK_FORCE_MEMBERS}


def backdate(project: Project, day: dt.date) -> None:
    # Demo projects are registered today; date them when talks began so that
    # "days without progress" reads as it would have in real use.
    project.created_at = dt.datetime.combine(day, dt.time(9), dt.UTC)


def prepare_for_signing(city: City, session: Any) -> Any:
    """Give the core's generic demo projects what Changsha asks before signing."""

    def prepare(project: Project) -> None:
        data: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        if majors.is_major(city, project):
            if not project.leader_name:
                data["leader_name"] = "分管副市长"
            if "task_force" not in (project.attributes or {}):
                attributes["task_force"] = task_force(project.name)
        if parks.park_mismatch(city, project) and not parks.justification(project):
            attributes[parks.JUSTIFICATION] = "演示数据：产业链上下游配套，经园区管委会论证同意落户"
        if attributes:
            data["attributes"] = attributes
        if data:
            update_project(session, city, project, data, DEMO)

    return prepare


class ChangshaDemo:
    """Builds Changsha's records on the core's demo builder."""

    def __init__(self, city: City, session: Any, demo: Any) -> None:
        self.city, self.session, self.demo = city, session, demo
        self.today: dt.date = demo.today

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def intermediaries(self) -> dict[str, Intermediary]:
        """The ambassadors and the firm, registered in the introducer registry (引荐人名录):
        one confirmed a state public official, one whose status nobody has confirmed yet."""
        rows = {}
        for key, name, kind, phone, official in AMBASSADORS:
            rows[key] = self.demo.introducer(
                name, kind, phone, public_official=official,
                credit_code=self.demo.firm_credit_code("430100") if kind == "firm" else None,
                roles=("ambassador",) if kind == "ambassador" else (),
                basis="市委组织部函复：系市直机关在编干部" if official == "yes" else None)
        return rows

    def major(self, name: str, investor: str, unit_code: str, industry: str, amount: int,
              stage: str, days: dict[str, int], tags: list[str], leader: str,
              **extra: Any) -> Project:
        """A major project with its leader and task force, moved to ``stage``."""
        attributes = {"task_force": task_force(name)} | extra.pop("attributes", {})
        project = self.demo.project(
            name=name, unit=unit(self.session, unit_code), industry=industry,
            amount=Decimal(amount), stage=stage,
            dates={step: self.day(ago) for step, ago in days.items()},
            enterprise=self.demo.enterprise(tags=tags, name=investor), leader_name=leader,
            attributes=attributes, **extra)
        backdate(project, self.day(days.get("negotiating", 30)))
        return project

    def progress(self, project: Project, note: str, days_ago: int) -> None:
        update_project(self.session, self.city, project,
                       {"progress_note": note, "progress_on": self.day(days_ago)}, OFFICE)

    def matter(self, project: Project, kind: str, title: str, request: str, asked: int,
               requested: int | None = None) -> Any:
        return request_matter(self.session, self.city, {
            "project_id": project.id, "kind": kind, "title": title, "request": request,
            "requested_amount": Decimal(requested) if requested else None,
            "requested_on": self.day(asked), "owner_unit": project.host_unit.code}, OFFICE)

    def decided(self, matter: Any, proposal: str, support: int | None, decided: int,
                conditions: list[tuple[str, int]], meeting_ref: str | None = None) -> Any:
        """Propose and decide a matter; each condition is (text, due so many days ago)."""
        propose_matter(self.session, self.city, matter, {
            "proposal": proposal, "support_amount": Decimal(support) if support else None}, OFFICE)
        decider = OFFICE if matter.decision_level == "executive_meeting" else LEADER
        decide_matter(self.session, self.city, matter, {
            "decision": "approved", "decision_text": proposal, "decided_on": self.day(decided),
            "meeting_ref": meeting_ref,
            "conditions": [{"text": text, "due_on": self.day(due_ago)}
                           for text, due_ago in conditions]},
                      decider)
        return matter

    def check(self, matter: Any, index: int, met: bool, checked: int, note: str) -> None:
        check_matter_condition(self.session, self.city, matter, matter.conditions[index].id,
                               {"met": met, "checked_on": self.day(checked), "note": note}, OFFICE)

    def projects(self, people: dict[str, Intermediary]) -> None:
        demo = self.demo
        # 60亿元: the executive meeting decides its land matter (≥ executive_meeting_amount).
        car = self.major("新能源汽车智能制造基地项目", "华擎新能源汽车集团有限公司", "cs_econ_zone",
                         "auto", 600000, "started",
                         {"negotiating": 520, "signed": 470, "started": 420}, ["世界500强"],
                         "常务副市长", channel="intermediary",
                         intermediary_id=people["firm"].id)
        demo.funds(car, Decimal(300000), self.day(380))
        demo.funds(car, Decimal(220000), self.day(120))
        land = self.matter(car, "land", "新能源汽车基地一期用地保障",
                           "请求在经开区东片区统筹保障一期工业用地1200亩，并按工业用地出让底价供地",
                           500)
        self.decided(land, "同意按“一事一议”保障一期用地1200亩，分两批供地", None, 480,
                     [("开工后12个月内到位资金不低于30亿元", 60),
                      ("投产后三年内年纳税额不低于3亿元", -700)],
                     meeting_ref=f"市政府常务会议纪要〔{self.day(480).year}〕第12号")
        self.check(land, 0, True, 50, "核查银行回单，累计到位52亿元")
        self.progress(car, "一期总装车间设备调试完成，二期厂房主体封顶", 2)

        # 15亿元: a city leader decides; brought by an ambassador who is a public official.
        chips = self.major("功率半导体模块产业化项目", "芯源功率半导体股份有限公司", "cs_hitech",
                           "electronic_info", 150000,
                           "started", {"negotiating": 260, "signed": 200, "started": 120},
                           ["行业前20强"], "分管副市长", channel="ambassador",
                           intermediary_id=people["wang"].id)
        demo.funds(chips, Decimal(60000), self.day(90))
        self.progress(chips, "洁净厂房装修完成，首批生产设备进场", 5)
        talent = self.matter(chips, "talent", "研发团队人才引进支持",
                             "请求对项目核心研发团队给予高层次人才认定和安家补贴", 190, 3000)
        self.decided(talent, "按高层次人才政策给予认定，安家补贴一事一议核定为2000万元", 2000, 170,
                     [("三年内引进博士及高级职称人才不少于30人", -900)])

        # A biomedicine project in the machinery park: flagged, landed with its reason.
        pharma = self.major(
            "医用特种车辆及医疗装备项目", "康拓医疗装备集团有限公司", "cs_econ_zone", "biomedicine",
            80000, "started",
            {"negotiating": 330, "signed": 280, "started": 200}, ["民营500强"], "分管副市长",
            channel="ambassador", intermediary_id=people["chen"].id,
            attributes={parks.JUSTIFICATION: "项目以医用特种车辆为主，依托经开区整车和工程机械"
                                             "企业就近配套，经园区管委会和市产业链办论证同意落户"})
        demo.funds(pharma, Decimal(45000), self.day(150))
        self.progress(pharma, "改装车间建成，首台医用特种车辆下线", 9)

        # In talks: a finance matter awaiting its proposal, and a work order gone late.
        testing = self.major("智能网联汽车测试基地项目", "智行汽车科技集团有限公司", "yuhua_econ",
                             "auto", 120000, "negotiating",
                             {"negotiating": 40}, ["中国500强"], "分管副市长",
                             channel="ambassador", intermediary_id=people["liu"].id)
        finance = self.matter(testing, "finance", "测试基地建设资金支持",
                              "请求对测试道路及5G路侧设施建设给予财政补助", 20, 8000)
        issue_work_order(self.session, self.city, finance, {
            "unit": "yuhua_econ", "task": "核实测试道路建设投资概算并提出补助测算意见",
            "issued_on": self.day(18), "due_workdays": 5}, OFFICE)

        # Signed, then silent: the monthly report presses it and assigns a task.
        self.major("先进储能材料产业园项目", "储能新材料科技股份有限公司", "ningxiang_econ",
                   "new_materials", 200000, "signed",
                   {"negotiating": 150, "signed": 60}, ["民营500强"], "分管副市长")

        # Completed this year: on the site-tour list.
        remade = self.major("工程机械再制造产业园项目", "重工再制造股份有限公司", "cs_econ_zone",
                            "construction_machinery", 110000, "completed",
                            {"negotiating": 480, "signed": 450, "started": 400, "completed": 20},
                            ["中国500强"], "分管副市长")
        demo.funds(remade, Decimal(98000), self.day(60))

        # Landed long ago, little money arrived, a tax condition not met: 回头看 presses it.
        food = self.major("休闲食品精深加工基地项目", "味达食品股份有限公司", "liuyang_econ",
                          "food", 100000, "started",
                          {"negotiating": 640, "signed": 600, "started": 560}, [], "分管副市长")
        demo.funds(food, Decimal(30000), self.day(500))
        tax = self.matter(food, "tax", "食品基地税收奖励", "请求对项目投产后地方留成税收给予奖励", 620)
        self.decided(tax, "投产后三年内按地方留成部分的50%给予产业发展奖励", None, 590,
                     [("约定期限内建成投产并实现年销售收入5亿元", 200)])
        self.check(tax, 0, False, 150, "截至核查日尚未投产，年销售收入不足1亿元")

    def targets(self, people: dict[str, Intermediary]) -> None:
        followers = [people["liu"], people["chen"], None]
        for index, (name, library, hq, xiang, chain, link, segment) in enumerate(TARGETS):
            industry = chain if chain in self.city.industries else None
            self.session.add(ChangshaTarget(
                name=name, library=library, headquarters_type=hq, xiangshang=xiang, chain=chain,
                link=link, segment=segment, industry=industry,
                status=("tracking", "contacted", "negotiating")[index % 3],
                intermediary_id=(followers[index % 3].id if followers[index % 3] else None),
                note="演示数据", created_by=OFFICE.user))
        self.session.flush()

    def rewards(self) -> None:
        """The last twelve months' rewards: one cut to the cap, one refused to an official."""
        compute_rewards(self.session, self.city, {"date_from": self.day(365),
                                                  "date_to": self.today, "rules": None}, OFFICE)

    def leads(self, people: dict[str, Intermediary]) -> None:
        demo = self.demo
        demo.lead(unit=unit(self.session, "cs_hitech"), reported_on=self.day(12),
                  industry="electronic_info", amount=Decimal(50000), channel="ambassador",
                  title="大使引荐：某存储芯片企业华中研发中心", intermediary_id=people["liu"].id)
        demo.lead(unit=unit(self.session, "yuelu"), reported_on=self.day(25),
                  industry="biomedicine", amount=Decimal(20000), channel="other",
                  title="校友招商：中南大学校友企业创新药研发中心",
                  attributes={"alumni_network": "中南大学校友总会"})
        demo.lead(unit=unit(self.session, "liuyang"), reported_on=self.day(33),
                  industry="food", amount=Decimal(30000), channel="returning_natives",
                  title="湘商回归：广东湘籍企业食品总部整体迁回",
                  enterprise=demo.enterprise(province="广东省"))


def load(city: City, session: Any, demo: Any) -> None:
    """Changsha's records, then the gate preparation for the core's generic projects."""
    demo.before_entering("signed", prepare_for_signing(city, session))
    builder = ChangshaDemo(city, session, demo)
    people = builder.intermediaries()
    builder.projects(people)
    builder.targets(people)
    builder.leads(people)
    builder.rewards()
