"""The kit's walk through a city's service: a lead reported and converted, its project moved
from 储备 to 竣工投产 — generically, whatever the city's rules.

Before each stage the walk asks the project what it still needs (``incomplete_fields``, the
core's one source of truth for gates) and fills it: columns, milestones and ``attributes.x``
(with the value the city's test class gives for that path, else a text, a unit code, a date,
``true`` or a number, whichever the city accepts). A transition a
guard refuses for a missing evaluation is answered by running that evaluation through the
API (every dimension at full score, decided ``approved``). Anything else a city's rules need
first is the city test class's ``prepare_stage``.

The walk takes two days, as the rules of time require (docs/mechanisms.md, "Time in order"):
no date is in the future, signing is not before the day its evaluations were decided (the
server's time) and completion is strictly after the start. So the service runs yesterday
(restarted under :func:`core.clock.travel`) from the lead to the start, and today again for the
completion, which the actual completion date (``milestones.completion.actual_on``) gates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.clock import DEFAULT_ZONE, Clock, travel
from core.conformance.service import CityProcess
from core.credit_code import make_credit_code, organisation_check_character
from core.lifecycle import MAIN_LINE

STAGES = [stage.value for stage in MAIN_LINE]
MILESTONE_OF = {"milestones.start": "start", "milestones.completion": "completion",
                "milestones.production": "production"}
ACTUAL = ".actual_on"  # milestones.<kind>.actual_on: the milestone was reached (today)
AMOUNT = "50000"  # 万元: 5亿元, below the core's default major threshold
COLUMN_VALUES: dict[str, Any] = {"agreement_amount": AMOUNT, "leader_name": "王建国",
                                 "description": "一致性检查项目"}


def investor() -> dict[str, Any]:
    """A new investor from Shenzhen with a valid unified social credit code."""
    body = f"CF{random.randrange(10**6):06d}"
    code = make_credit_code("91440300" + body + organisation_check_character(body))
    return {"name": f"深圳一致性检查{body[2:]}号科技有限公司", "credit_code": code,
            "origin_province": "广东省"}


def nested(path: str, value: Any) -> dict[str, Any]:
    """``attributes.a.b`` → ``{"a": {"b": value}}``."""
    keys = path.split(".")[1:]
    body: dict[str, Any] = value
    for key in reversed(keys):
        body = {key: body}
    return body


@dataclass
class JourneyRecord:
    """What the walk did: the ids and every answer worth asserting on."""

    reporter: str
    other_unit: str | None
    industry: str
    lead: dict[str, Any] = field(default_factory=dict)
    project: dict[str, Any] = field(default_factory=dict)
    transfer: dict[str, Any] | None = None
    fund: dict[str, Any] = field(default_factory=dict)
    refused: dict[str, Any] = field(default_factory=dict)  # stage → the 409 body, if stuck
    began_on: dt.date | None = None  # the walk's first day (the lead's report)


class Journey:
    """One walk; ``prepare_stage(api, project, stage)`` is the city's own preparation."""

    def __init__(self, api: CityProcess, raw_config: dict[str, Any],
                 lead_attributes: dict[str, Any], project_attributes: dict[str, Any],
                 attribute_values: dict[str, Any],
                 prepare_stage: Callable[[CityProcess, dict[str, Any], str], None]) -> None:
        self.api = api
        self.raw = raw_config
        self.lead_attributes = lead_attributes
        self.project_attributes = project_attributes
        self.attribute_values = attribute_values
        self.prepare_stage = prepare_stage
        # The city's clock (``[city] timezone``): the walk's dates are the service's today.
        self.clock = Clock(raw_config.get("city", {}).get("timezone", DEFAULT_ZONE))

    @property
    def today(self) -> dt.date:
        """The city's day now, asked afresh: a walk may run across midnight."""
        return self.clock.today()

    # -- the walk ---------------------------------------------------------------------------
    def run(self) -> JourneyRecord:
        """The lead up to the start yesterday, the completion today (see the module)."""
        with travel(self.clock.now() - dt.timedelta(days=1)):
            self.api.restart()  # the service's clock: yesterday
            record, project = self.begin()
            project = self.walk(project, STAGES[1:-1], record)
        self.api.restart()  # today again
        if project.get("stage") == STAGES[-2]:
            project = self.walk(project, STAGES[-1:], record)
        record.project = self.api.call("GET", f"/projects/{project['id']}").expect(200)
        return record

    def begin(self) -> tuple[JourneyRecord, dict[str, Any]]:
        """A lead reported, judged and converted; its project transferred if it can be."""
        units = self.api.call("GET", "/units", per_page=100).expect(200)["items"]
        office = self.raw["city"].get("office_unit", "office")
        others = [unit["code"] for unit in units if unit["code"] != office]
        reporter = others[0] if others else office
        industry = self.raw["industries"][0]["code"]
        record = JourneyRecord(reporter, others[1] if len(others) > 1 else None, industry,
                               began_on=self.today)
        lead = self.api.call("POST", "/leads", {
            "title": "一致性检查线索", "enterprise": investor(), "industry": industry,
            "intended_amount": AMOUNT, "reporting_unit": reporter, "channel": "other",
            "reported_on": self.today.isoformat(), "attributes": self.lead_attributes}).expect(201)
        self.api.call("POST", f"/leads/{lead['id']}/assign",
                      {"first_talk_unit": reporter}).expect(200)
        project = self.api.call("POST", f"/leads/{lead['id']}/convert", {
            "name": "一致性检查项目", "amount": AMOUNT, "industry": industry, "host_unit": reporter,
            "attributes": self.project_attributes}).expect(201)
        record.lead = self.api.call("GET", f"/leads/{lead['id']}").expect(200)
        if record.other_unit:
            record.transfer = self.api.call("POST", f"/projects/{project['id']}/transfers",
                                            {"to_unit": record.other_unit,
                                             "reason": "首谈地不具备落地条件"}).expect(201)
        return record, project

    def walk(self, project: dict[str, Any], stages: list[str],
             record: JourneyRecord) -> dict[str, Any]:
        """Enter ``stages`` in turn, stopping at the first refused; funds arrive once signed."""
        for stage in stages:
            project = self.enter(project["id"], stage, record)
            if project.get("stage") != stage:
                break
            if stage == "signed":
                record.fund = self.arrive(project)
        return project

    def arrive(self, project: dict[str, Any]) -> dict[str, Any]:
        """A tranche from the investor with its own evidence, verified by the office (only
        verified funds count in the figures the province compares)."""
        fund = self.api.call("POST", f"/projects/{project['id']}/funds", {
            "arrived_on": self.today.isoformat(), "amount": "10000",
            "payer_name": project["enterprise"]["name"],
            "evidence_ref": f"一致性检查-银行回单-{project['id']:04d}"}).expect(201)
        return self.api.call("POST", f"/projects/{project['id']}/funds/{fund['id']}/verification",
                             {"verification": "verified"}).expect(200)

    def enter(self, project_id: int, stage: str, record: JourneyRecord) -> dict[str, Any]:
        """Fill what ``stage`` needs, then move; one retry after answering refusals."""
        project = self.api.call("GET", f"/projects/{project_id}").expect(200)
        self.prepare_stage(self.api, project, stage)
        self.fill(project_id)
        for attempt in range(2):
            answer = self.api.call("POST", f"/projects/{project_id}/transitions",
                                   {"target": stage, "occurred_on": self.today.isoformat()})
            if answer.status in (200, 201):
                return answer.body
            if answer.status != 409 or attempt:
                record.refused[stage] = answer.body
                return self.api.call("GET", f"/projects/{project_id}").expect(200)
            self.answer_refusals(project_id, answer.body)
            self.fill(project_id)
        return self.api.call("GET", f"/projects/{project_id}").expect(200)  # pragma: no cover

    # -- generic preparation ------------------------------------------------------------------
    def fill(self, project_id: int) -> None:
        """Give the project every field its next stage still lacks.

        A city field (``attributes.x``) has a type only the city knows: unless the test class
        names its value, each refused one is tried again with the next of :data:`CANDIDATES`
        (text, a unit code, a date, yes, a number) until the city accepts them all.
        """
        project = self.api.call("GET", f"/projects/{project_id}").expect(200)
        changes: dict[str, Any] = {}
        guesses: dict[str, int] = {}
        offers = candidates(self.today, project["host_unit"])
        for path in project.get("incomplete_fields") or []:
            if path in MILESTONE_OF:
                planned = self.today + dt.timedelta(days=30 * (1 + list(MILESTONE_OF).index(path)))
                self.api.call("PUT", f"/projects/{project_id}/milestones", {
                    "kind": MILESTONE_OF[path], "planned_on": planned.isoformat()}).expect(200, 201)
            elif path.startswith("milestones.") and path.endswith(ACTUAL):
                self.reach(project, path.removeprefix("milestones.").removesuffix(ACTUAL))
            elif path.startswith("attributes."):
                guesses[path] = 0
            elif path in COLUMN_VALUES:
                changes[path] = COLUMN_VALUES[path]
        while True:
            attributes: dict[str, Any] = {}
            for path, guess in guesses.items():
                value = self.attribute_values.get(path, offers[guess])
                merge(attributes, nested(path, value))
            body = changes | ({"attributes": attributes} if attributes else {})
            if not body:
                return
            answer = self.api.call("PATCH", f"/projects/{project_id}", body)
            refused = {error["field"] for error in (answer.body.get("errors") or [])} \
                if answer.status == 422 and isinstance(answer.body, dict) else set()
            retry = [path for path in guesses if path in refused and path not in
                     self.attribute_values and guesses[path] + 1 < len(offers)]
            if not retry:
                answer.expect(200)
                return
            for path in retry:
                guesses[path] += 1

    def reach(self, project: dict[str, Any], kind: str) -> None:
        """The milestone ``kind`` reached today (agreed for today first if it was not yet)."""
        body = {"kind": kind, "actual_on": self.today.isoformat()}
        if not any(m["kind"] == kind for m in project.get("milestones") or []):
            body["planned_on"] = body["actual_on"]
        self.api.call("PUT", f"/projects/{project['id']}/milestones", body).expect(200, 201)

    def answer_refusals(self, project_id: int, body: dict[str, Any]) -> None:
        """Run every evaluation a refusal says is missing, decided and passed."""
        forms = {form["code"]: form for form in
                 self.api.call("GET", "/evaluation-forms").expect(200)}
        for refusal in body.get("refusals") or []:
            rule = refusal.get("rule", "")
            code = rule.removeprefix("evaluation.").removesuffix(".missing")
            if rule.startswith("evaluation.") and rule.endswith(".missing") and code in forms:
                self.pass_evaluation(project_id, forms[code])

    def pass_evaluation(self, project_id: int, form: dict[str, Any]) -> dict[str, Any]:
        project = self.api.call("GET", f"/projects/{project_id}").expect(200)
        path = (f"/enterprises/{project['enterprise']['id']}/evaluations"
                if form.get("subject") == "enterprise" else f"/projects/{project_id}/evaluations")
        office = self.raw["city"].get("office_unit", "office")
        evaluation = self.api.call("POST", path, {"form": form["code"],
                                                  "reviewers": [{"unit": office}]}).expect(201)
        reviewer = evaluation["reviewers"][0]["id"]
        self.api.call("POST", f"/evaluations/{evaluation['id']}/scores", {
            "reviewer_id": reviewer,
            "scores": [{"dimension": d["code"], "score": str(d.get("max_score", 100))}
                       for d in form["dimensions"]]}).expect(200, 201)
        steps = form.get("steps") or ["submitted", "decided"]
        for step in steps:
            body = {"step": step}
            if step == steps[-1]:
                body["decision"] = "approved"
            evaluation = self.api.call("POST", f"/evaluations/{evaluation['id']}/steps",
                                       body).expect(200, 201)
        return evaluation


def candidates(today: dt.date, unit: str) -> list[Any]:
    """Values to offer a city field of unknown type, in order: a text, a unit code (a
    responsible unit …), a date, yes, a number."""
    return ["一致性检查", unit, today.isoformat(), True, 1]


def merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value
