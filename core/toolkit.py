"""The facade city plugins use: the only module a plugin imports from the core.

Everything here is stable for plugins; anything else in ``core`` may change.
Names are grouped by what a plugin does with them.
"""

from __future__ import annotations

# Implementing hooks
from core import hookimpl

# Routes of a plugin's own (mounted under /api/v1/<blueprint name>/)
from core.api.registry import RecordRef, operation
from core.api.support import (
    city as current_city,
)
from core.api.support import (
    city_today,
    current_actor,
    load_body,
    load_query,
    paginate,
    refuse_office_only,
    respond,
    transaction,
)
from core.city import City

# The one clock: the city's today (city.clock, city_today) and stored instants (utcnow)
from core.clock import Clock, utcnow
from core.credit import credit_shares, credited, credited_units, withheld_credit

# A plugin's own tables (its own Alembic branch) and money columns
from core.db import Base, Money

# Evaluations (评估/评审) and matters (一事一议): the city's forms, results, running them
from core.evaluation_rules import city_forms as city_evaluation_forms

# Writing events for a plugin's own changes, in the caller's transaction; JSON of rows
# (decimals as strings, dates as ISO dates) for answers without a schema of their own
from core.events import record_event, to_json_value
from core.gates import field_present, incomplete_fields
from core.identity import Actor, may_write_unit
from core.lifecycle import MAIN_LINE, STAGE_LABELS, ProjectStatus, Stage, passed

# Reading the core's records (plugins never alter core tables' schema)
from core.models import (
    Enterprise,
    FundTranche,
    Intermediary,
    Lead,
    Milestone,
    Person,
    Project,
    StageTransition,
    Transfer,
    Unit,
)
from core.models.evaluations import EnterpriseRating, Evaluation, Expert
from core.models.matters import (
    DECISION_LEVELS,
    MATTER_KINDS,
    MATTER_STATUS_LABELS,
    Matter,
    MatterCondition,
    WorkOrder,
)

# What hooks return
from core.policy import (
    Adjustment,
    AssessmentScheme,
    Dimension,
    EvaluationForm,
    FieldProblem,
    HardRefusal,
    Indicator,
    MapTarget,
    NotComputable,
    Refusal,
    Report,
    RewardCandidate,
    RewardRule,
    TransferSharing,
    WarningFinding,
    WarningRule,
    WebChart,
    WebColumn,
    WebFilter,
    WebForm,
    WebFormField,
    WebPage,
    WebSection,
    report_section,
)

# Refusing with readable reasons
from core.problems import (
    CodedMessage,
    Problem,
    field_problems,
    invalid_input,
    not_found,
    refused,
)

# Schemas of a plugin's own API
from core.schemas.base import BaseSchema, CreditCode, Page
from core.schemas.base import Money as MoneyField
from core.schemas.ranges import DateRange
from core.services.evaluations import (
    add_expert,
    enterprise_ratings,
    evaluation_outcome,
    start_evaluation,
)
from core.services.evaluations import assign_reviewers as assign_evaluation_reviewers
from core.services.evaluations import complete_step as complete_evaluation_step
from core.services.evaluations import latest_decided as latest_decided_evaluation
from core.services.evaluations import record_scores as record_evaluation_scores
from core.services.leads import is_judgement_overdue
from core.services.lookups import get_or_404, unit_by_code
from core.services.matters import check_condition as check_matter_condition
from core.services.matters import decide as decide_matter
from core.services.matters import issue_work_order, request_matter
from core.services.matters import propose as propose_matter

# Changing core records through the core's own services (history, gates and events included)
from core.services.projects import transition as transition_project
from core.services.projects import update_project
from core.workdays import WorkdayCalendar

# isort: split
# Warnings, assessments, rewards, reports: what their hooks receive, and helpers for rules
from core.assessments import METRICS as ASSESSMENT_METRICS
from core.assessments import AssessmentContext
from core.default_warnings import (
    last_activity,
    milestone_reached,
    overdue_date,
    overdue_milestones,
    replanned_note,
)
from core.models import EarlyWarning
from core.periods import period_bounds
from core.reports import ReportContext
from core.services.rewards import RewardContext, compute_rewards
from core.services.rewards import approve as approve_reward
from core.services.rewards import pay as pay_reward
from core.services.rewards import reject as reject_reward
from core.services.warnings import WarningContext

# isort: split
# Figures per unit over a period (credit applied), investor matching, office-only actions,
# a work order's completion, and refreshing one subject's warnings after a plugin's write
from core.figures import compute_figures, is_fulfilling
from core.investment_map import enterprises_present, present_projects
from core.services.enterprises import find_enterprise
from core.services.matters import complete_work_order
from core.services.office import ensure_office
from core.services.warnings import refresh as refresh_warnings

# isort: split
# Assessment runs (a plugin carries published rankings into another scheme) and lead judgement
from core.models import AssessmentResult, AssessmentRun
from core.services.assessments import create_run as create_assessment_run
from core.services.assessments import publish_run as publish_assessment_run
from core.services.leads import assign_lead

# isort: split
# Published rankings (commendations, summons), the core's warning rules (a city that replaces
# one for some projects keeps it for the others) and the lead channels (招商方式)
from core.default_warnings import milestone_overdue as core_milestone_overdue
from core.default_warnings import no_progress as core_no_progress
from core.models.leads import LEAD_CHANNELS
from core.services.assessments import latest_published_run, ranking_end
from core.services.rewards import ranking_key

# isort: split
# The introducer registry (引荐人名录): naming an introducer, the public-official status a rule
# that never pays officials reads, and registering entries (a city's demo)
from core.introducers import check_intermediary, public_official_status
from core.services.introducers import confirm_public_official as confirm_intermediary_official
from core.services.introducers import register as register_intermediary

__all__ = [
    "Actor", "Adjustment", "AssessmentScheme", "Base", "BaseSchema", "City", "CodedMessage",
    "CreditCode", "Dimension", "Enterprise", "EvaluationForm", "FieldProblem", "FundTranche",
    "HardRefusal", "Indicator", "Intermediary", "Lead", "MAIN_LINE", "Milestone", "Money",
    "MoneyField", "NotComputable", "Page", "Person", "Problem", "Project", "ProjectStatus",
    "Refusal", "Report",
    "RewardCandidate", "RewardRule", "STAGE_LABELS", "Stage", "StageTransition", "Transfer",
    "TransferSharing", "Unit", "WarningFinding", "WarningRule", "WorkdayCalendar",
    "credit_shares", "current_actor", "current_city", "field_present", "field_problems",
    "get_or_404", "hookimpl", "incomplete_fields", "invalid_input", "is_judgement_overdue",
    "load_body", "load_query", "may_write_unit", "not_found", "operation", "paginate", "passed",
    "record_event", "refused", "respond", "transaction", "transition_project", "unit_by_code",
    "update_project",
]

__all__ += [
    "DECISION_LEVELS", "EnterpriseRating", "Evaluation", "Expert", "MATTER_KINDS", "Matter",
    "MATTER_STATUS_LABELS", "MatterCondition", "WorkOrder", "assign_evaluation_reviewers",
    "check_matter_condition",
    "city_evaluation_forms", "complete_evaluation_step", "decide_matter", "enterprise_ratings",
    "evaluation_outcome", "issue_work_order", "latest_decided_evaluation", "propose_matter",
    "record_evaluation_scores", "request_matter", "start_evaluation",
]

__all__ += [
    "ASSESSMENT_METRICS", "AssessmentContext", "EarlyWarning", "ReportContext", "RewardContext",
    "WarningContext", "last_activity", "milestone_reached", "overdue_date", "overdue_milestones",
    "period_bounds", "replanned_note",
]

# Computing rewards for a period (a city's demo shows its reward rules at work)
__all__ += ["approve_reward", "compute_rewards", "pay_reward", "reject_reward"]

__all__ += [
    "complete_work_order", "compute_figures", "ensure_office", "find_enterprise",
    "refresh_warnings",
]

__all__ += [
    "AssessmentResult", "AssessmentRun", "assign_lead", "create_assessment_run",
    "publish_assessment_run",
]

__all__ += [
    "LEAD_CHANNELS", "core_milestone_overdue", "core_no_progress", "latest_published_run",
    "ranking_end", "ranking_key", "to_json_value", "DateRange",
]

# Pages of the web interface a city declares (the web_pages hook)
__all__ += ["WebChart", "WebColumn", "WebFilter", "WebForm", "WebFormField", "WebPage", "WebSection",
            "report_section"]

# Which projects earn credit (the credit_withheld hook: Lanzhou's 报备认定)
__all__ += ["credited", "credited_units", "withheld_credit"]

# Adding an expert to the pool (专家库), e.g. for a city's demo evaluations
__all__ += ["add_expert"]

# Whether a project (still) honours its agreement, as the figures' 履约率 counts it
__all__ += ["is_fulfilling"]

# The investment map (招商地图): a plugin's own map shows the same enterprises present
__all__ += ["MapTarget", "enterprises_present", "present_projects"]

# The one clock (core.clock): a plugin never asks the host for the date or the time; it takes
# ``city.clock.today()`` (or ``city_today()`` in a schema's default) and ``utcnow()`` for stored
# instants.
__all__ += ["Clock", "city_today", "utcnow"]

# Who may perform an operation (core.permissions): the vocabulary every ``operation(who=...)``
# names, unit resolvers for unit-scoped rules, and the office-only field marker.
from core.api.record_units import (  # noqa: E402
    evaluation_units,
    matter_owner,
    path_record,
    project_host_unit,
    project_units,
    work_order_unit,
)
from core.permissions import (  # noqa: E402
    ADMIN,
    DECIDER,
    LEADER,
    OFFICE,
    OFFICE_ONLY,
    OWN_UNIT,
    PARTIES,
    READER,
    REVIEWER,
    AccessRequest,
    Permission,
    body_units,
    ensure_permission,
)

__all__ += ["ADMIN", "DECIDER", "LEADER", "OFFICE", "OFFICE_ONLY", "OWN_UNIT", "PARTIES", "READER",
            "REVIEWER", "evaluation_units", "refuse_office_only",
            "AccessRequest", "Permission", "body_units", "ensure_permission", "matter_owner", "path_record",
            "project_host_unit",
            "project_units", "work_order_unit"]

# Time in order (core.time_order): a city's dated records checked against today and each other,
# and the dates a stage date may not precede (the date_bounds hook)
# isort: split
from core.policy import DateBound  # noqa: E402
from core.time_order import not_before, not_in_future  # noqa: E402

__all__ += ["DateBound", "not_before", "not_in_future"]

# Input rules (core.input_rules): names without control or invisible characters, period labels
# and dates within 1900–2100, and a search word matched literally (% and _ are no wildcards).
from core.input_rules import contains, date_param, like_pattern, parse_date  # noqa: E402
from core.schemas.base import Name, PeriodLabel  # noqa: E402

__all__ += ["Name", "PeriodLabel", "contains", "date_param", "like_pattern", "parse_date"]

# A plugin's versioned record named in its paths (ETag, If-Match: core.api.versions).
__all__ += ["RecordRef"]

__all__ += ["check_intermediary", "confirm_intermediary_official", "public_official_status",
            "register_intermediary"]

# Matching an enterprise by name as the core does (legal form and punctuation ignored).
from core.names import normalise_enterprise_name  # noqa: E402

__all__ += ["normalise_enterprise_name"]

# Declaring the plugin's own event types (the ``event_types`` hook): EventType names its
# aggregate, fact, summary and data (``Field`` kinds; ``loose(name="kind", …)`` for fields
# that may each be null); the catalogue refuses a type without the plugin's prefix.
from core.event_catalogue import EventType, Field, loose  # noqa: E402

__all__ += ["EventType", "Field", "loose"]

# A city's own to-dos (the ``todo_items`` hook): one TodoItem per thing waiting for the person,
# its urgency from its due date (``todo_urgency``), for the list and the reminders.
from core.todos import Identity as TodoIdentity  # noqa: E402
from core.todos import TodoItem  # noqa: E402
from core.todos import urgency as todo_urgency  # noqa: E402

__all__ += ["TodoIdentity", "TodoItem", "todo_urgency"]

# A city's own records of a project as sheets of its project ledger (the ledger_record_sheets
# hook, core.ledger_import): the sheet, its columns, and the choices a column names by name.
# isort: split
from core.ledger_import.layout import (  # noqa: E402
    INTRODUCER_NAME,
    LEDGER_NO,
    OPTIONS,
    Column,
    RecordSheet,
)
from core.ledger_import.rows import list_items  # noqa: E402

__all__ += ["INTRODUCER_NAME", "LEDGER_NO", "OPTIONS", "Column", "RecordSheet", "list_items"]
