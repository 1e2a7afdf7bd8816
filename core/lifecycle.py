"""The project lifecycle: stages, which moves are allowed, and their Chinese names.

``reserve → negotiating → signed → started → completed``; ``lost`` from any open
stage; ``cleared`` (清退) from ``signed`` or ``started``. Status (ongoing, delayed,
stalled, re-attraction) is kept apart from the stage, as in Data Hub.
"""

from __future__ import annotations

import enum


class Stage(enum.StrEnum):
    RESERVE = "reserve"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    STARTED = "started"
    COMPLETED = "completed"
    LOST = "lost"
    CLEARED = "cleared"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.RESERVE: "储备",
    Stage.NEGOTIATING: "在谈",
    Stage.SIGNED: "签约",
    Stage.STARTED: "开工",
    Stage.COMPLETED: "竣工投产",
    Stage.LOST: "终止",
    Stage.CLEARED: "清退",
}

MAIN_LINE = (Stage.RESERVE, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.COMPLETED)
OPEN_STAGES = frozenset({Stage.RESERVE, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED})

ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    Stage.RESERVE: frozenset({Stage.NEGOTIATING, Stage.LOST}),
    Stage.NEGOTIATING: frozenset({Stage.SIGNED, Stage.LOST, Stage.RESERVE}),
    Stage.SIGNED: frozenset({Stage.STARTED, Stage.LOST, Stage.CLEARED}),
    Stage.STARTED: frozenset({Stage.COMPLETED, Stage.LOST, Stage.CLEARED}),
    Stage.COMPLETED: frozenset(),
    Stage.LOST: frozenset(),
    Stage.CLEARED: frozenset(),
}

# The date column a stage stamps when a project enters it.
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.LOST: "lost_on",
    Stage.CLEARED: "cleared_on",
}


class ProjectStatus(enum.StrEnum):
    ONGOING = "ongoing"
    DELAYED = "delayed"
    STALLED = "stalled"
    REATTRACTION = "reattraction"


STATUS_LABELS = {
    ProjectStatus.ONGOING: "正常推进",
    ProjectStatus.DELAYED: "进度滞后",
    ProjectStatus.STALLED: "停滞",
    ProjectStatus.REATTRACTION: "二次招商",
}


def next_stage(stage: Stage) -> Stage | None:
    """The next stage on the main line, or None at its end or on a side exit."""
    if stage not in MAIN_LINE:
        return None
    index = MAIN_LINE.index(stage)
    return MAIN_LINE[index + 1] if index + 1 < len(MAIN_LINE) else None


def passed(stage: Stage, milestone: Stage) -> bool:
    """Whether a project at ``stage`` has reached ``milestone`` on the main line."""
    if stage not in MAIN_LINE:
        return False
    return MAIN_LINE.index(stage) >= MAIN_LINE.index(milestone)
