"""法规账 the legal account, reviewed item by item (Seed 三(五)29, POLICIES.md § sanming 11).

The seed: "依法依规算清环保安全与用地用林等‘法规帐’". Every project is reviewed on each configured
item (``two_accounts.legal``: environment 环保, safety 安全, land 用地, forest 林地); each review
records its finding (pass, fail, or not applicable with the reason), the reviewing department,
the reviewer, the date (the city's today by default, never ahead of it) and a note.

* Who records: the office, or the clerks of the item's reviewing unit (``legal_items.unit``).
* A gate (``transition_guard``): a project enters ``required_before`` (签约) only when every
  item has a finding and none failed; the refusal names each missing or failed item.
* Signing cannot be dated before the last review (``date_bounds``).
* Recording an item again never overwrites it: a new row supersedes the previous one, with the
  reason for the change, and an event ``sanming_legal_review.recorded`` is written each time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    MAIN_LINE,
    DateBound,
    FieldProblem,
    Project,
    ProjectStatus,
    Refusal,
    TodoItem,
    invalid_input,
    not_in_future,
    record_event,
)
from plugins.sanming.models import LEGAL_FINDINGS, LegalReview
from plugins.sanming.settings import settings

STAGE_LABELS = {"negotiating": "洽谈", "signed": "签约"}


def items(city: Any) -> dict[str, dict[str, Any]]:
    """The items the city reviews, in order: ``{code: {code, name, department, unit}}``."""
    config = settings(city)["two_accounts"]
    known = {item["code"]: item for item in config["legal_items"]}
    return {code: known[code] for code in config["legal"]}


def item_unit(city: Any, code: str) -> list[str] | None:
    """The unit whose clerks may record ``code`` ([] when only the office may); None: no such
    item (the view answers 404)."""
    item = items(city).get(code)
    if item is None:
        return None
    return [item["unit"]] if item.get("unit") else []


def current_reviews(session: Any, project_ids: list[int]) -> dict[int, dict[str, LegalReview]]:
    """``{project id: {item: its latest review}}``: a later recording supersedes an earlier."""
    found: dict[int, dict[str, LegalReview]] = {}
    if not project_ids:
        return found
    rows = session.scalars(sa.select(LegalReview).where(
        LegalReview.project_id.in_(project_ids)).order_by(LegalReview.id))
    for row in rows:
        found.setdefault(row.project_id, {})[row.item] = row
    return found


def review_event_data(review: LegalReview) -> dict[str, Any]:
    return {"review_id": review.id, "project_id": review.project_id, "item": review.item,
            "finding": review.finding, "reason": review.reason,
            "department": review.department, "reviewer": review.reviewer,
            "reviewed_on": review.reviewed_on, "note": review.note,
            "supersedes_id": review.supersedes_id, "change_reason": review.change_reason}


def record(session: Any, city: Any, project: Project, code: str, data: dict[str, Any],
           actor: Any) -> LegalReview:
    """Record ``code``'s finding for ``project``; a second recording supersedes the first."""
    item = items(city)[code]
    reviewed_on = data.get("reviewed_on") or city.clock.today()
    problems = [p for p in [not_in_future(city, "reviewed_on", reviewed_on, "审查日期")] if p]
    if data["finding"] != "pass" and not data.get("reason"):
        problems.append(FieldProblem(
            "reason", "legal_review.reason_required",
            f"审查结论为“{LEGAL_FINDINGS[data['finding']]}”时须说明理由"))
    previous = current_reviews(session, [project.id]).get(project.id, {}).get(code)
    if previous is not None and not data.get("change_reason"):
        problems.append(FieldProblem(
            "change_reason", "legal_review.change_reason_required",
            f"“{item['name']}”已于 {previous.reviewed_on} 审查（{LEGAL_FINDINGS[previous.finding]}），"
            "重新登记须说明更正理由"))
    if problems:
        raise invalid_input(problems, status=422)
    review = LegalReview(
        project_id=project.id, item=code, finding=data["finding"], reason=data.get("reason"),
        department=data.get("department") or item["department"], reviewer=data["reviewer"],
        reviewed_on=reviewed_on, note=data.get("note"),
        supersedes_id=previous.id if previous else None,
        change_reason=data.get("change_reason") if previous else None, recorded_by=actor.user)
    session.add(review)
    session.flush()
    record_event(session, city, "sanming_legal_review", review.id, "recorded",
                 review_event_data(review))
    return review


def review_rows(session: Any, city: Any, project: Project) -> list[dict[str, Any]]:
    """One row per item: its current finding (or 未审查), with how many times it was recorded."""
    history: dict[str, list[LegalReview]] = {}
    for row in session.scalars(sa.select(LegalReview).where(
            LegalReview.project_id == project.id).order_by(LegalReview.id)):
        history.setdefault(row.item, []).append(row)
    rows = []
    for code, item in items(city).items():
        recorded = history.get(code, [])
        current = recorded[-1] if recorded else None
        rows.append({
            "item": code, "item_name": item["name"],
            "finding": current.finding if current else None,
            "finding_label": LEGAL_FINDINGS[current.finding] if current else "未审查",
            "reason": current.reason if current else None,
            "department": current.department if current else item["department"],
            "reviewer": current.reviewer if current else None,
            "reviewed_on": current.reviewed_on if current else None,
            "note": current.note if current else None,
            "versions": len(recorded), "history": list(reversed(recorded))})
    return rows


def summary(session: Any, city: Any, project: Project) -> dict[str, Any]:
    """The project's 法规账: its items, and whether it is complete and passed."""
    rows = review_rows(session, city, project)
    missing = [row["item_name"] for row in rows if row["finding"] is None]
    failed = [row["item_name"] for row in rows if row["finding"] == "fail"]
    status = "failed" if failed else "incomplete" if missing else "passed"
    labels = {"failed": "不通过：" + "、".join(failed), "incomplete": "未审查：" + "、".join(missing),
              "passed": "已通过"}
    return {"project_id": project.id, "project_name": project.name, "status": status,
            "status_label": labels[status], "missing": missing, "failed": failed,
            "items": rows}


def refusals(city: Any, project: Project, target: str, session: Any) -> list[Refusal]:
    """The gate: every item missing, and every item failed, refuses the move to
    ``required_before``. A failed item names its department and reason."""
    required_before = settings(city)["two_accounts"]["required_before"]
    if target != required_before:
        return []
    current = current_reviews(session, [project.id]).get(project.id, {})
    stage = STAGE_LABELS.get(target, target)
    found = []
    for code, item in items(city).items():
        review = current.get(code)
        if review is None:
            found.append(Refusal(f"gate.legal_review.{code}",
                                 f"进入“{stage}”前须完成法规账审查：{item['name']}"
                                 f"（{item['department']}）"))
        elif review.finding == "fail":
            found.append(Refusal(f"sanming.legal_review.failed.{code}",
                                 f"法规账“{item['name']}”审查不通过（{review.department}，"
                                 f"{review.reviewed_on}：{review.reason}），项目不能{stage}"))
    return found


def signing_bounds(city: Any, project: Project, field: str, session: Any) -> list[DateBound]:
    """The stage date of ``required_before`` follows the latest review of the 法规账."""
    stage_field = {"negotiating": None, "signed": "signed_on"}.get(
        settings(city)["two_accounts"]["required_before"])
    if field != stage_field:
        return []
    current = current_reviews(session, [project.id]).get(project.id, {})
    if not current:
        return []
    last: dt.date = max(review.reviewed_on for review in current.values())
    return [DateBound(last, "法规账审查日期", "date.before_legal_review")]


def failed_by_unit(session: Any, start: dt.date, end: dt.date) -> dict[str, int]:
    """Projects whose 法规账 stands failed on an item reviewed in ``start``–``end`` (a finding
    corrected since no longer counts), by finding unit: the battle report's column."""
    candidates = list(session.scalars(sa.select(LegalReview.project_id).where(
        LegalReview.finding == "fail", LegalReview.reviewed_on.between(start, end)).distinct()))
    counts: dict[str, int] = {}
    for project_id, current in sorted(current_reviews(session, candidates).items()):
        if any(r.finding == "fail" and start <= r.reviewed_on <= end for r in current.values()):
            code = session.get(Project, project_id).finding_unit.code
            counts[code] = counts.get(code, 0) + 1
    return counts


def todo_items(city: Any, session: Any, identity: Any) -> list[TodoItem]:
    """待办 of the reviewing departments: each item not yet reviewed on a project one step
    before ``required_before`` (洽谈 before 签约) — a clerk's for the items their unit reviews,
    the office's for the items no unit is named for."""
    required_before = settings(city)["two_accounts"]["required_before"]
    line = [stage.value for stage in MAIN_LINE]
    if required_before not in line or line.index(required_before) == 0:
        return []
    before = line[line.index(required_before) - 1]
    if identity.role == "clerk":
        mine = {code: item for code, item in items(city).items() if item.get("unit") == identity.unit}
    elif identity.role in ("officer", "admin"):
        mine = {code: item for code, item in items(city).items() if not item.get("unit")}
    else:
        return []
    if not mine:
        return []
    projects = session.scalars(sa.select(Project).where(
        Project.stage == before, Project.status == ProjectStatus.ONGOING.value)
        .order_by(Project.id)).all()
    reviewed = current_reviews(session, [project.id for project in projects])
    found = []
    for project in projects:
        for code, item in mine.items():
            if code in reviewed.get(project.id, {}):
                continue
            found.append(TodoItem(
                kind="sanming_legal_review", kind_label="法规账待审查",
                key=f"sanming_legal_review:{project.id}:{code}",
                title=f"项目“{project.name}”法规账待审查：{item['name']}（{item['department']}）",
                due=None, urgency="normal", api_path=f"sanming/legal-review?project_id={project.id}",
                web_path=f"projects/{project.id}"))
    return found
