"""趋熟项目调度 scheduling of maturing projects (五项机制 3, POLICIES.md § pingliang 3).

> 推行重大招商引资项目包抓、项目评估、趋熟项目调度……“五项机制”

A list project the office marks ``maturing`` (talks advanced, signing in sight) while it is
still in reserve or in talks is scheduled every ``scheduling.every_days`` days (ours: 15): the
office or the host county records progress, problems and next steps. A scheduling is also the
project's progress report (the core's ``last_progress_on``), so it keeps the blue warning away.
``GET /api/v1/pingliang/maturing?as_of=`` lists the maturing projects with their last
scheduling and whether the next is due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    STAGE_LABELS,
    FieldProblem,
    Refusal,
    invalid_input,
    record_event,
    refused,
    update_project,
)
from plugins.pingliang.models import ListedProject, Scheduling
from plugins.pingliang.settings import settings

MATURING_STAGES = ("reserve", "negotiating")


def maturing_rows(session: Any, city: Any, as_of: dt.date) -> list[dict[str, Any]]:
    every = dt.timedelta(days=settings(city)["scheduling"]["every_days"])
    rows = []
    for listed in session.scalars(sa.select(ListedProject).where(ListedProject.maturing)
                                  .order_by(ListedProject.id)):
        project = listed.project
        if project.stage not in MATURING_STAGES:
            continue
        schedulings = list(session.scalars(sa.select(Scheduling).where(
            Scheduling.project_id == project.id).order_by(Scheduling.scheduled_on.desc(),
                                                          Scheduling.id.desc())))
        last = schedulings[0].scheduled_on if schedulings else None
        next_due = (last or listed.listed_on) + every
        rows.append({"project_id": project.id, "name": project.name,
                     "unit": project.host_unit.code, "leader_name": project.leader_name,
                     "stage_label": STAGE_LABELS[project.stage],
                     "expected_signing_on": listed.expected_signing_on,
                     "last_scheduled_on": last, "next_due_on": next_due,
                     "due": as_of >= next_due, "schedulings": schedulings})
    return rows


def record_scheduling(session: Any, city: Any, project: Any, data: dict[str, Any],
                      actor: Any) -> Scheduling:
    listed = session.scalar(sa.select(ListedProject).where(ListedProject.project_id == project.id))
    if listed is None or not listed.maturing or project.stage not in MATURING_STAGES:
        raise refused([Refusal("pingliang.scheduling.not_maturing",
                               f"项目“{project.name}”不是清单中的趋熟项目（在储备或在谈阶段），无需调度")])
    if data["scheduled_on"] > city.clock.today():
        raise invalid_input([FieldProblem("scheduled_on", "scheduling.future",
                                          "调度日期不能晚于今天")])
    # Who may (the host county's clerk or the office) is the operation's rule
    # (access.SCHEDULING); the core records the progress.
    note = f"趋熟项目调度：{data['progress']}"
    update_project(session, city, project, {"progress_note": note,
                                            "progress_on": data["scheduled_on"]}, actor)
    scheduling = Scheduling(project_id=project.id, recorded_by=actor.user, **data)
    session.add(scheduling)
    session.flush()
    record_event(session, city, "pingliang_scheduling", scheduling.id, "recorded",
                 {"scheduling_id": scheduling.id, "project_id": project.id,
                  "scheduled_on": scheduling.scheduled_on, "progress": scheduling.progress,
                  "problems": scheduling.problems, "next_steps": scheduling.next_steps})
    return scheduling
