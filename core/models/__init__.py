"""SQLAlchemy 2.0 typed models of the core. Plugins never alter these tables."""

from core.models.assessments import (
    AssessmentAdjustment,
    AssessmentObjection,
    AssessmentResult,
    AssessmentRun,
)
from core.models.chains import ChainTarget
from core.models.enterprises import Enterprise
from core.models.evaluations import (
    EnterpriseRating,
    Evaluation,
    EvaluationHardRefusal,
    EvaluationReviewer,
    EvaluationScore,
    EvaluationStep,
    Expert,
)
from core.models.idempotency import IdempotentRequest
from core.models.imports import ImportedRecord, ImportJob
from core.models.leads import Lead
from core.models.matters import Matter, MatterCondition, WorkOrder
from core.models.organisation import Intermediary, IntermediaryChange, Person, Unit
from core.models.outbox import OutboxEvent, OutboxPruning
from core.models.projects import (
    FundTranche,
    Milestone,
    MilestoneReplan,
    Project,
    ProjectChange,
    StageTransition,
    Transfer,
)
from core.models.reminders import ReminderAttempt, ReminderDelivery, ReminderSubscription
from core.models.rewards import Reward, RewardChange, RewardRun
from core.models.warnings import EarlyWarning

__all__ = [
    "Enterprise",
    "FundTranche",
    "Intermediary",
    "IntermediaryChange",
    "Lead",
    "Milestone",
    "MilestoneReplan",
    "OutboxEvent",
    "OutboxPruning",
    "Person",
    "Project",
    "ProjectChange",
    "StageTransition",
    "Transfer",
    "Unit",
]

__all__ += [
    "EnterpriseRating", "Evaluation", "EvaluationHardRefusal", "EvaluationReviewer",
    "EvaluationScore", "EvaluationStep", "Expert", "Matter", "MatterCondition", "WorkOrder",
]

__all__ += [
    "AssessmentAdjustment", "AssessmentObjection", "AssessmentResult", "AssessmentRun",
    "EarlyWarning", "Reward", "RewardChange", "RewardRun",
]

__all__ += ["ChainTarget"]

__all__ += ["IdempotentRequest"]

__all__ += ["ImportedRecord", "ImportJob"]

__all__ += ["ReminderAttempt", "ReminderDelivery", "ReminderSubscription"]
