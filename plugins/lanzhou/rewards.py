"""招商有功: rewards and awards (Seed 三(三)1 and 3, POLICIES.md § lanzhou 7 and 8).

* 招商有功奖励 under 《兰州市招商引资鼓励政策》: the intermediary recorded at registration
  (an enterprise, NGO, intermediary firm or individual) earns ``merit_rate`` (1‰) of the funds
  its projects received in the period, at most ``merit_cap`` (40万元) each per year; the core
  rewards each verified tranche once and cuts what would pass the year's cap, counting what is
  already approved or paid, and records that it did. What unrecognised projects would have given is proposed
  apart, so the core refuses it with the reason (报备认定 is the basis of rewards).
* The awards of the yearly results, each over recognised projects only:
  - 招商引资先进单位奖: the top units of the published yearly assessment (more than 0 points);
  - 招大引强突出贡献奖: units that signed the most with target enterprises (500强, 行业100强,
    央企, 上市公司);
  - 重大产业项目引进奖: each major project signed, to its introducing unit;
  - 项目落地优质服务奖: host units where the most projects started;
  - 十佳招商团队奖: the ten teams that signed the most;
  - 五十名招商优秀干部奖: the fifty responsible cadres who signed the most.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import Intermediary, Project, RewardCandidate, RewardRule
from plugins.lanzhou.assessment import SCHEME
from plugins.lanzhou.models import Registration
from plugins.lanzhou.settings import AWARDS, settings


def _registrations(context: Any) -> dict[int, Registration]:
    return {row.project_id: row for row in context.session.scalars(sa.select(Registration))}


def _recognised(context: Any) -> list[tuple[Project, Registration]]:
    rows = _registrations(context)
    return [(p, rows[p.id]) for p in context.projects()
            if p.id in rows and rows[p.id].status == "recognised"]


def _in_period(context: Any, day: Any) -> bool:
    return day is not None and context.start <= day <= context.end


# -- 招商有功 -----------------------------------------------------------------------------


def merit(city: Any, context: Any) -> list[RewardCandidate]:
    rate = settings(city)["rewards"]["merit_rate"]
    rows = _registrations(context)
    funds: dict[tuple[int, bool], list[tuple[Project, Decimal]]] = defaultdict(list)
    tranches: dict[tuple[int, bool], list[tuple[str, Decimal]]] = defaultdict(list)
    for project in context.projects():
        row = rows.get(project.id)
        intermediary_id = row.intermediary_id if row is not None else project.intermediary_id
        arrived = context.arrived_in_period(project)
        if intermediary_id is not None and arrived > 0:
            recognised = row is not None and row.status == "recognised"
            funds[(intermediary_id, recognised)].append((project, arrived))
            # Each verified tranche is rewarded once, whichever runs overlap it (the core).
            tranches[(intermediary_id, recognised)] += [
                (f"tranche:{t.id}", t.amount * rate) for t in context.arrived_tranches(project)]
    names = {i.id: i.name for i in context.session.scalars(
        sa.select(Intermediary).where(Intermediary.id.in_({key[0] for key in funds})))}
    candidates = []
    for (intermediary_id, recognised), items in sorted(funds.items()):
        total = sum((arrived for _, arrived in items), Decimal(0))
        which = "认定项目" if recognised else "未认定项目"
        candidates.append(RewardCandidate(
            recipient_type="intermediary", recipient_id=intermediary_id,
            recipient_name=names[intermediary_id], amount=total * rate,
            basis=f"引进的{which}本期到位资金 {total} 万元 × {rate}",
            project_ids=tuple(project.id for project, _ in items),
            items=tuple(tranches[(intermediary_id, recognised)])))
    return candidates


# -- awards of the yearly results ---------------------------------------------------------


def _top(groups: dict[Any, list[Project]], top: int, weight: Callable[[list[Project]], Any]
         ) -> list[tuple[Any, list[Project]]]:
    ranked = sorted(groups.items(),
                    key=lambda item: (-weight(item[1]), getattr(item[0], "code", str(item[0]))))
    return ranked[:top]


def _signed_amount(projects: Iterable[Project]) -> Decimal:
    return sum((Decimal(p.amount) for p in projects), Decimal(0))


def _award(city: Any, recipient_type: str, key: Any, name: str, basis: str,
           projects: Iterable[Project] = (), item: str | None = None,
           **extra: Any) -> RewardCandidate:
    """One award; ``item`` is what it is for (a ranking, a project), awarded once — by default
    the run's period (the core's)."""
    amount = settings(city)["rewards"]["award_amount"]
    return RewardCandidate(recipient_type=recipient_type,
                           recipient_id=key if isinstance(key, int) else None,
                           recipient_name=name, amount=amount,
                           basis=basis, project_ids=tuple(p.id for p in projects),
                           items=((item, amount),) if item else (), **extra)


def advanced_units(city: Any, context: Any) -> list[RewardCandidate]:
    top = settings(city)["rewards"]["advanced_unit_top"]
    return [_award(city, "unit", row["unit_id"], row["unit_name"],
                   f"年度招商引资目标考核第 {row['rank']} 名（{row['total']} 分）",
                   item=row["ranking_key"], scope=row["ranking_key"],
                   ranking_run_id=row["run_id"])
            # Units that share a rank share the award; a unit that scored nothing earns none.
            for row in context.latest_ranking(SCHEME) if row["rank"] <= top and row["total"] > 0]


def _signed_by(context: Any, key: Callable[[Project, Registration], Any],
               keep: Callable[[Project], bool] = lambda p: True) -> dict[Any, list[Project]]:
    groups: dict[Any, list[Project]] = defaultdict(list)
    for project, row in _recognised(context):
        if _in_period(context, project.signed_on) and keep(project) and key(project, row):
            groups[key(project, row)].append(project)
    return groups


def big_investors(city: Any, context: Any) -> list[RewardCandidate]:
    categories = set(settings(city)["targets"]["categories"])
    groups = _signed_by(context, lambda p, row: row.introducing_unit,
                        lambda p: bool(categories & set(p.enterprise.tags or [])))
    top = settings(city)["rewards"]["big_investor_top"]
    return [_award(city, "unit", unit.id, unit.name,
                   f"引进500强、行业100强、央企、上市公司项目 {len(items)} 个，"
                   f"签约 {_signed_amount(items)} 万元", items)
            for unit, items in _top(groups, top, _signed_amount)]


def major_projects(city: Any, context: Any) -> list[RewardCandidate]:
    return [_award(city, "unit", row.introducing_unit.id, row.introducing_unit.name,
                   f"引进重大产业项目“{project.name}”，总投资 {project.amount} 万元", [project],
                   item=f"project:{project.id}")
            for project, row in _recognised(context)
            if _in_period(context, project.signed_on) and "major" in (project.tiers or [])]


def landing_service(city: Any, context: Any) -> list[RewardCandidate]:
    groups: dict[Any, list[Project]] = defaultdict(list)
    for project, _ in _recognised(context):
        if _in_period(context, project.started_on):
            groups[project.host_unit].append(project)
    top = settings(city)["rewards"]["landing_service_top"]
    return [_award(city, "unit", unit.id, unit.name, f"本期落地开工认定项目 {len(items)} 个", items)
            for unit, items in _top(groups, top, len)]


def best_teams(city: Any, context: Any) -> list[RewardCandidate]:
    groups = _signed_by(context, lambda p, row: (p.attributes or {}).get("team"))
    top = settings(city)["rewards"]["best_teams_top"]
    return [_award(city, "team", team, team,
                   f"签约认定项目 {len(items)} 个，{_signed_amount(items)} 万元", items)
            for team, items in _top(groups, top, _signed_amount)]


def excellent_cadres(city: Any, context: Any) -> list[RewardCandidate]:
    groups = _signed_by(context, lambda p, row: (p.attributes or {}).get("responsible_person"))
    top = settings(city)["rewards"]["excellent_cadres_top"]
    return [_award(city, "person", person, person,
                   f"作为责任人签约认定项目 {len(items)} 个，{_signed_amount(items)} 万元", items)
            for person, items in _top(groups, top, _signed_amount)]


AWARD_RULES = {"advanced_unit": advanced_units, "big_investor": big_investors,
               "major_project": major_projects, "landing_service": landing_service,
               "best_teams": best_teams, "excellent_cadres": excellent_cadres}


def rules(city: Any) -> list[RewardRule]:
    config = settings(city)["rewards"]
    merit_rule = RewardRule("lanzhou_merit", "招商有功奖励（《兰州市招商引资鼓励政策》）",
                            lambda context: merit(city, context), cap=config["merit_cap"],
                            excludes_public_officials=config["merit_excludes_public_officials"],
                            scope="year")  # 40万元 per intermediary per year
    return [merit_rule] + [
        RewardRule(f"lanzhou_{code}", AWARDS[code],
                   lambda context, build=build: build(city, context))
        for code, build in AWARD_RULES.items()]
