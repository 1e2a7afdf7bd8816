"""Projects: the pipeline by stage, a project's page with its history and the checklist of what
the next stage still needs, transitions (refusals shown with their reasons), progress, arrived
funds, milestones, transfers, evaluations and matters."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, request, url_for

from gateway.web.base import (
    api,
    blueprint,
    check_city,
    done,
    filters,
    form_value,
    render,
    today,
)
from gateway.web.formatting import chart
from gateway.web.pages.city_pages import record_sections
from gateway.web.pages.introducers import introducer_choices, introducer_of, introducer_value
from gateway.web.pages.reference import STAGES, industries, matter_kinds, unit_names, units
from gateway.web.sorting import sorting

PROJECT_COLUMNS = [
    {"key": "name", "heading": "项目名称", "sort": "name"},
    {"key": "enterprise.name", "heading": "投资企业"},
    {"key": "out_of_province_label", "heading": "省外/省内"},  # 未知: the investor's province
    {"key": "amount", "heading": "总投资", "format": "amount", "sort": "amount"},
    {"key": "stage_label", "heading": "阶段", "sort": "stage"},
    {"key": "host_unit_name", "heading": "落户单位"},
    {"key": "industry_name", "heading": "产业", "sort": "industry"},
    {"key": "leader_name", "heading": "包抓领导", "sort": "leader_name"},
    {"key": "arrived_amount", "heading": "到位资金（已核实）", "format": "amount"},
    {"key": "arrived_pending_amount", "heading": "待核实", "format": "amount"},
    {"key": "last_progress_on", "heading": "最近进展", "format": "date", "sort": "last_progress_on"},
]
LIST_FILTERS = ("stage", "unit", "industry", "tier", "leader", "q", "page", "sort", "channel",
                "out_of_province", "signed_from", "signed_to", "started_from", "started_to")
MILESTONES = {"start": "开工", "completion": "竣工", "production": "投产"}
MONEY_FIELDS = {"amount", "agreement_amount"}


def _project_filters() -> dict[str, str]:
    params = filters(*LIST_FILTERS)
    if request.args.get("mine"):
        if g.claims.role == "clerk" and g.claims.unit:
            params["unit"] = g.claims.unit
        elif g.claims.role == "leader":
            params["leader"] = g.claims.name
    return params


def named(city: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names, trades = unit_names(city), industries(city)
    for row in rows:
        for key in ("host_unit", "finding_unit"):
            row[f"{key}_name"] = names.get(row.get(key) or "", row.get(key))
        row["industry_name"] = trades.get(row.get("industry") or "", row.get("industry"))
    return rows


def pipeline(city: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """How many projects (of the same filter) stand in each stage."""
    counts = []
    for stage, label in STAGES.items():
        answer = api().city(city, "GET", "projects",
                            {**params, "stage": stage, "per_page": 1, "page": 1})
        total = answer.body.get("total", 0) if answer.ok and isinstance(answer.body, dict) else 0
        counts.append({"stage": stage, "label": label, "count": total})
    return counts


@blueprint.route("/c/<city>/projects")
def projects(city: str):
    check_city(city)
    params = _project_filters()
    answer = api().city(city, "GET", "projects", {"sort": "-updated_at", **params})
    rows = named(city, answer.items())
    stages = pipeline(city, {k: v for k, v in params.items() if k not in ("stage", "page")})
    export = {key: value for key, value in params.items() if key != "page"}
    mine = bool(request.args.get("mine"))
    title = ("我包抓的项目" if g.claims.role == "leader" else "本单位项目") if mine else "项目库"
    return render("projects.html", city=city, answer=answer, rows=rows, columns=PROJECT_COLUMNS,
                  params=params, stages=stages, stage_labels=STAGES, mine=mine, title=title,
                  units=units(city), industries=industries(city),
                  sort=sorting("web.projects", params, city=city, mine="1" if mine else None),
                  pipeline_chart=chart("bar", "各阶段项目数", stages, "label",
                                       [("count", "项目数")]),
                  export_url=url_for("web.export", city=city, rest="projects", **export))


def _project_parts(city: str, project_id: int) -> dict[str, Any]:
    client = api()
    base = f"projects/{project_id}"
    return {
        "funds": client.city(city, "GET", f"{base}/funds").items(),
        "transfers": client.city(city, "GET", f"{base}/transfers").items(),
        "transitions": client.city(city, "GET", f"{base}/transitions").items(),
        "history": client.city(city, "GET", f"{base}/history").items(),
        "replans": client.city(city, "GET", f"{base}/milestone-replans").items(),
        "evaluations": client.city(city, "GET", f"{base}/evaluations").items(),
        "matters": client.city(city, "GET", "matters", {"project_id": project_id}).items(),
        "forms": client.city(city, "GET", "evaluation-forms").items(),
        # The city's own pages declared for the project page (Sanming's 法规账 review).
        "city_pages": record_sections(city, "project", project_id),
    }


@blueprint.route("/c/<city>/projects/<int:project_id>")
def project(city: str, project_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"projects/{project_id}")
    if not answer.ok:
        return render("project.html", answer.status, city=city, answer=answer, project=None)
    project = named(city, [answer.body])[0]
    may_edit = api().may("PATCH", city, f"projects/{project_id}")
    moves = transition_checks(city, project_id)
    investor = f"enterprises/{project['enterprise']['id']}"
    parts = _project_parts(city, project_id)
    # The investor's own evaluations gate signing too (Lanzhou's 投资企业综合评价): shown with the
    # project's, and the investor's current rating.
    parts["evaluations"] += api().city(city, "GET", f"{investor}/evaluations").items()
    ratings = api().city(city, "GET", f"{investor}/ratings").items()
    return render("project.html", city=city, answer=answer, project=project,
                  introducer=introducer_of(city, project.get("intermediary_id")),
                  introducers=introducer_choices(city) if may_edit else [],
                  labels={"intermediary_id": "引荐人"},
                  stage_labels=STAGES, milestone_kinds=MILESTONES, units=units(city),
                  unit_names=unit_names(city), today=today().isoformat(),
                  matter_kinds=matter_kinds(city), industries=industries(city),
                  moves=moves, next_check=next((move for move in moves
                                                if move["target"] == project.get("next_stage")), None),
                  check_others=check_others, ratings=ratings, **parts)


def transition_checks(city: str, project_id: int) -> list[dict[str, Any]]:
    """The dry-run of every move the lifecycle allows now (the stage menu's options), each with
    every refusal it would meet and where to put it right (``transitions/check``)."""
    answer = api().city(city, "GET", f"projects/{project_id}/transitions/check")
    body = answer.body if answer.ok and isinstance(answer.body, dict) else {}
    moves = body.get("targets", [])
    for move in moves:
        for refusal in move["refusals"]:
            refusal["anchor"] = remedy_anchor(refusal.get("remedy"))
    return moves


def check_others(project: dict[str, Any], check: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The next move's refusals the checklist's own inputs do not already ask for."""
    asked = {item["field"] for item in project.get("checklist", [])}
    return [refusal for refusal in (check or {}).get("refusals", [])
            if (refusal.get("remedy") or {}).get("field") not in asked or
            (refusal.get("remedy") or {}).get("kind") != "field"]


def remedy_anchor(remedy: dict[str, Any] | None) -> str | None:
    """Where on the project page a refusal is put right: the city's form, the checklist, the
    evaluations or the move's own date."""
    if not remedy:
        return None
    return {"form": f"#form-{remedy.get('form')}", "field": "#checklist",
            "evaluation": "#evaluations", "date": "#transition"}.get(remedy["kind"])


def _with_leaf(container: dict[str, Any], parts: list[str], value: Any) -> dict[str, Any]:
    """A copy of ``container`` with ``value`` at the dotted ``parts`` (nested dicts kept)."""
    head, rest = parts[0], parts[1:]
    current = container.get(head)
    branch = _with_leaf(current if isinstance(current, dict) else {}, rest, value) if rest else value
    return {**container, head: branch}


def attribute_value(text: str) -> Any:
    """A city field as typed: 是/否 become true/false, whole numbers integers, the rest text
    (a decimal stays a string, so amounts stay exact)."""
    if text.isdigit():
        return int(text)
    return {"是": True, "否": False, "true": True, "false": False}.get(text, text)


def checklist_writes(project: dict[str, Any], form: Any) -> tuple[dict[str, Any], list[dict]]:
    """What the checklist form asks: one PATCH body and the milestones to set."""
    patch: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    milestones = []
    for item in project.get("checklist", []):
        path = item["field"]
        value = (form.get(f"field:{path}") or "").strip()
        if not value:
            continue
        head, _, rest = path.partition(".")
        if head == "milestones" and rest:
            # ``milestones.completion.actual_on`` (竣工投产 needs the actual date): the milestone's
            # actual date, not a planned one.
            kind, _, column = rest.partition(".")
            milestones.append({"kind": kind, column or "planned_on": value})
        elif head == "attributes" and rest:
            parts = rest.split(".")
            attributes = _with_leaf({**(project.get("attributes") or {}), **attributes}, parts,
                                    attribute_value(value))
        elif path.endswith("_id") and path[:-3] in ("host_unit", "finding_unit", "enterprise"):
            patch[path[:-3]] = value
        else:
            patch[path] = value
    if attributes:
        # PATCH merges attributes key by key: send each touched top-level key whole.
        touched = {item["field"].split(".")[1] for item in project.get("checklist", [])
                   if item["field"].startswith("attributes.")}
        patch["attributes"] = {key: attributes[key] for key in touched if key in attributes}
    return patch, milestones


@blueprint.route("/c/<city>/projects/<int:project_id>/checklist", methods=["POST"])
def fill_checklist(city: str, project_id: int):
    check_city(city)
    client = api()
    current = client.city(city, "GET", f"projects/{project_id}")
    if not current.ok:
        return done(current, "", "web.project", city=city, project_id=project_id)
    patch, milestones = checklist_writes(current.body, request.form)
    for milestone in milestones:
        answer = client.city(city, "PUT", f"projects/{project_id}/milestones", body=milestone)
        if not answer.ok:
            return done(answer, "", "web.project", city=city, project_id=project_id)
    answer = current
    if patch:
        answer = client.city(city, "PATCH", f"projects/{project_id}", body=patch)
    return done(answer, "已补充下一阶段所需信息", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/introducer", methods=["POST"])
def set_introducer(city: str, project_id: int):
    """Who introduced the project, picked from the registry (none: empty)."""
    check_city(city)
    body = {"intermediary_id": introducer_value(form_value("intermediary_id"))}
    answer = api().city(city, "PATCH", f"projects/{project_id}", body=body)
    return done(answer, "引荐人已保存", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/transition", methods=["POST"])
def move_project(city: str, project_id: int):
    check_city(city)
    target = form_value("target") or ""
    body = {"target": target, "reason": form_value("reason")}
    if form_value("occurred_on"):
        body["occurred_on"] = form_value("occurred_on")
    answer = api().city(city, "POST", f"projects/{project_id}/transitions", body=body)
    return done(answer, f"项目已进入“{STAGES.get(target, target)}”阶段", "web.project", city=city,
                project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/progress", methods=["POST"])
def record_progress(city: str, project_id: int):
    check_city(city)
    body = {"progress_note": form_value("progress_note") or "",
            "progress_on": form_value("progress_on") or today().isoformat()}
    answer = api().city(city, "PATCH", f"projects/{project_id}", body=body)
    return done(answer, "进展已填报", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/funds", methods=["POST"])
def report_funds(city: str, project_id: int):
    check_city(city)
    body = {"arrived_on": form_value("arrived_on") or "", "amount": form_value("amount") or "",
            "evidence_ref": form_value("evidence_ref") or "",
            "payer_name": form_value("payer_name") or "",
            "payer_credit_code": form_value("payer_credit_code")}
    answer = api().city(city, "POST", f"projects/{project_id}/funds", body=body)
    return done(answer, "到位资金已填报（待核实）", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/funds/<int:fund_id>/verification",
                 methods=["POST"])
def verify_funds(city: str, project_id: int, fund_id: int):
    check_city(city)
    body = {"verification": form_value("verification") or "",
            "confirm_over_agreement": form_value("confirm_over_agreement") == "1",
            "reason": form_value("reason")}
    answer = api().city(city, "POST", f"projects/{project_id}/funds/{fund_id}/verification",
                        body=body)
    return done(answer, "到位资金核实结果已保存", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/milestones", methods=["POST"])
def set_milestone(city: str, project_id: int):
    check_city(city)
    body = {"kind": form_value("kind") or "", "planned_on": form_value("planned_on") or None,
            "actual_on": form_value("actual_on")}
    answer = api().city(city, "PUT", f"projects/{project_id}/milestones", body=body)
    return done(answer, "节点已保存", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/replans", methods=["POST"])
def request_replan(city: str, project_id: int):
    check_city(city)
    kind = form_value("kind") or ""
    body = {"planned_on": form_value("planned_on") or "", "reason": form_value("reason") or ""}
    answer = api().city(city, "POST", f"projects/{project_id}/milestones/{kind}/replans", body=body)
    return done(answer, "节点调整申请已提交，待市招商主管部门审批", "web.project", city=city,
                project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/replans/<int:replan_id>/decision",
                 methods=["POST"])
def decide_replan(city: str, project_id: int, replan_id: int):
    check_city(city)
    body = {"decision": form_value("decision") or "", "reason": form_value("reason")}
    answer = api().city(city, "POST", f"projects/{project_id}/milestone-replans/{replan_id}/decision",
                        body=body)
    return done(answer, "节点调整审批结果已保存", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/transfers", methods=["POST"])
def transfer_project(city: str, project_id: int):
    check_city(city)
    body = {"to_unit": form_value("to_unit") or "", "reason": form_value("reason"),
            "indicator_ratio": form_value("indicator_ratio"), "tax_ratio": form_value("tax_ratio")}
    answer = api().city(city, "POST", f"projects/{project_id}/transfers", body=body)
    return done(answer, "项目已流转", "web.project", city=city, project_id=project_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/evaluations", methods=["POST"])
def start_evaluation(city: str, project_id: int):
    """A project's evaluation, or its investor's (a form whose subject is the enterprise)."""
    check_city(city)
    client = api()
    code = form_value("form") or ""
    body: dict[str, Any] = {"form": code}
    if form_value("reviewer"):
        body["reviewers"] = [{"name": form_value("reviewer")}]
    subject = next((form.get("subject") for form in client.city(city, "GET", "evaluation-forms")
                    .items() if form.get("code") == code), "project")
    path = f"projects/{project_id}/evaluations"
    if subject == "enterprise":
        project = client.city(city, "GET", f"projects/{project_id}")
        if not project.ok:
            return done(project, "", "web.project", city=city, project_id=project_id)
        path = f"enterprises/{project.body['enterprise']['id']}/evaluations"
    answer = client.city(city, "POST", path, body=body)
    return done(answer, "已发起评估", "web.project", city=city, project_id=project_id)


def _evaluation_done(answer: Any, success: str, city: str, project_id: int, evaluation_id: int):
    """Back to the evaluation on the project page, saying what happened (or why not)."""
    done(answer, success, "web.project", city=city, project_id=project_id)
    return redirect(url_for("web.project", city=city, project_id=project_id,
                            _anchor=f"evaluation-{evaluation_id}"), 303)


@blueprint.route("/c/<city>/projects/<int:project_id>/evaluations/<int:evaluation_id>/reviewers",
                 methods=["POST"])
def evaluation_reviewers(city: str, project_id: int, evaluation_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"evaluations/{evaluation_id}/reviewers",
                        body={"reviewers": [{"name": form_value("name") or ""}]})
    return _evaluation_done(answer, "评审人已指派", city, project_id, evaluation_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/evaluations/<int:evaluation_id>/scores",
                 methods=["POST"])
def evaluation_scores(city: str, project_id: int, evaluation_id: int):
    """One reviewer's scores, dimension by dimension, and the 一票否决 items ticked."""
    check_city(city)
    scores = [{"dimension": key.removeprefix("score:"), "score": value.strip()}
              for key, value in request.form.items() if key.startswith("score:") and value.strip()]
    refusals = [{"code": key.removeprefix("refusal:"), "note": form_value("refusal_note")}
                for key in request.form if key.startswith("refusal:")]
    reviewer = form_value("reviewer_id") or ""
    body = {"reviewer_id": int(reviewer) if reviewer.isdigit() else None, "scores": scores,
            "hard_refusals": refusals}
    answer = api().city(city, "POST", f"evaluations/{evaluation_id}/scores", body=body)
    return _evaluation_done(answer, "评分已保存", city, project_id, evaluation_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/evaluations/<int:evaluation_id>/steps",
                 methods=["POST"])
def evaluation_step(city: str, project_id: int, evaluation_id: int):
    check_city(city)
    body = {"step": form_value("step") or "", "opinion": form_value("opinion"),
            "decision": form_value("decision")}
    answer = api().city(city, "POST", f"evaluations/{evaluation_id}/steps", body=body)
    return _evaluation_done(answer, "评审流程已推进", city, project_id, evaluation_id)


@blueprint.route("/c/<city>/projects/<int:project_id>/matters", methods=["POST"])
def request_matter(city: str, project_id: int):
    check_city(city)
    body = {"project_id": project_id, "kind": form_value("kind") or "",
            "title": form_value("title") or "", "request": form_value("request") or "",
            "requested_amount": form_value("requested_amount"),
            "owner_unit": form_value("owner_unit")}
    answer = api().city(city, "POST", "matters", body=body)
    return done(answer, "协调事项已提出", "web.project", city=city, project_id=project_id)
