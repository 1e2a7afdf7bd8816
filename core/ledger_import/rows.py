"""One ledger row through the core's own services, as if typed by the importing user.

A row's cells become the API's request body (names matched to codes, :mod:`core.choices`),
loaded by the API's own schema and refused office-only fields the same way; the record is then
made by the service a form would call (``report_lead``, ``create_project``, ``transition``,
``set_milestone``, ``add_funds``, ``upsert_enterprise``, ``register``), with its permissions,
gates, time rules, history and outbox events. Whatever they refuse becomes problems of the
row, by sheet, row, column (the Chinese heading) and Chinese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from marshmallow import Schema, ValidationError

from core.choices import Choice, column_choice
from core.identity import Actor
from core.ledger_import.layout import (
    CHOICE_VALUES,
    INTRODUCER_NAME,
    LEDGER_NO,
    LIST,
    LIST_SEPARATORS,
    OPTIONS,
    STAGE_DATE_COLUMNS,
    Column,
    RecordSheet,
    Sheet,
)
from core.lifecycle import MAIN_LINE, Stage
from core.names import normalise_enterprise_name
from core.permissions import office_only_problems
from core.policy import FieldProblem
from core.problems import Problem, field_problems
from core.time_order import not_in_future
from core.xlsx import formula_like

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City

Cells = dict[str, Any]
ChildRows = list[tuple[int, Cells]]


@dataclass(frozen=True)
class ImportProblem:
    """One problem of the file: ``row`` as the spreadsheet numbers it (1 is the heading)."""

    sheet: str
    row: int
    column: str  # the Chinese heading, or "" for the whole row
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "field": self.field, "code": self.code, "message": self.message}


class RowFailed(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Context:
    session: Session
    city: City
    actor: Actor
    choices: dict[str, Choice]
    file_name: str
    seen_enterprises: dict[str, int] = field(default_factory=dict)  # key → first row
    # Credit code → (name, normalised name) of the enterprises known: read once per import
    # (one select per row was a tenth of its time), then those of the rows imported since.
    credit_codes: dict[str, tuple[str, str]] | None = None
    row_enterprise: tuple[str, str, str] | None = None  # the row's, noted when it is imported
    # One instance of each API schema per import: building one (its fields copied) cost a
    # tenth of a row; loading keeps no state on the instance.
    schemas: dict[type[Schema], Schema] = field(default_factory=dict)
    # The 引荐人名录 by ``code:<credit code>`` and ``name:<matching key>``: read once per import.
    introducers: dict[str, list[int]] | None = None

    def schema(self, kind: type[Schema]) -> Schema:
        if kind not in self.schemas:
            self.schemas[kind] = kind()
        return self.schemas[kind]

    def known_credit_codes(self) -> dict[str, tuple[str, str]]:
        from core.models import Enterprise

        if self.credit_codes is None:
            self.credit_codes = {code: (name, normalised) for code, name, normalised in
                                 self.session.execute(sa.select(
                                     Enterprise.credit_code, Enterprise.name,
                                     Enterprise.normalized_name).where(
                                         Enterprise.credit_code.is_not(None)))}
        return self.credit_codes

    def introducer_ids(self, text: str) -> list[int]:
        """The registry entries a cell names: by credit code, else by the name's matching key
        (:mod:`core.names`, as the registry's duplicates check matches names)."""
        from core.models import Intermediary

        if self.introducers is None:
            self.introducers = {}
            for number, code, key in self.session.execute(sa.select(
                    Intermediary.id, Intermediary.credit_code, Intermediary.name_key)
                    .order_by(Intermediary.id)):
                if code:
                    self.introducers.setdefault(f"code:{code.upper()}", []).append(number)
                self.introducers.setdefault(f"name:{key}", []).append(number)
        text = text.strip()
        return (self.introducers.get(f"code:{text.upper()}")
                or self.introducers.get(f"name:{normalise_enterprise_name(text)}", []))

    def row_imported(self) -> None:
        if self.row_enterprise is not None:
            code, name, normalised = self.row_enterprise
            self.known_credit_codes().setdefault(code, (name, normalised))
        self.row_enterprise = None


@dataclass
class Located:
    """Where a service's field problems land: the sheet and row, and column by field."""

    sheet: Sheet
    row: int
    fields: dict[str, str] = field(default_factory=dict)  # service field → heading
    default: str = ""

    def heading(self, name: str) -> str:
        if name in self.fields:
            return self.fields[name]
        column = self.sheet.column_for(name)
        return column.heading if column else self.default

    def problem(self, name: str, code: str, message: str) -> ImportProblem:
        return ImportProblem(self.sheet.title, self.row, self.heading(name), name, code, message)

    def of(self, problems: list[FieldProblem]) -> list[ImportProblem]:
        return [self.problem(p.field, p.code, p.message) for p in problems]

    def of_exception(self, exc: Exception) -> list[ImportProblem]:
        if isinstance(exc, ValidationError):
            return self.of(field_problems(exc.messages))
        assert isinstance(exc, Problem)
        found = self.of(exc.errors)
        for refusal in exc.refusals:
            name = refusal.rule.removeprefix("gate.")
            found.append(self.problem(name, refusal.rule, refusal.message))
        if not found:
            found.append(self.problem("", exc.code, exc.detail))
        return found


def attempt(where: Located, call: Any, *args: Any) -> Any:
    """``call(*args)``, its refusal turned into the row's problems (:class:`RowFailed`)."""
    try:
        return call(*args)
    except (Problem, ValidationError) as exc:
        raise RowFailed(where.of_exception(exc)) from exc


def text_of(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def list_items(text: str, separators: tuple[str, ...] = LIST_SEPARATORS) -> list[str]:
    """A list field's cell (``张三、李四``; a comma too) as the list the API takes: the export
    writes a list joined by 、, so it reads back the same. A plugin whose field accepts more
    separators (Ziyang's 审查范围 also takes ；) passes its own."""
    for separator in separators[1:]:
        text = text.replace(separator, separators[0])
    return [item.strip() for item in text.split(separators[0]) if item.strip()]


def _cell(ctx: Context, column: Column, value: Any, where: Located) -> tuple[Any, list]:
    """A cell as the request body holds it, or the problem with it."""
    if column.value in CHOICE_VALUES or column.value == OPTIONS:
        choice = ctx.choices[column.value] if column.value != OPTIONS else column_choice(column)
        code = choice.code_of(text_of(value))
        if code is None:
            return None, [where.problem(column.field, "choice.unknown",
                                        choice.unknown_message(text_of(value)))]
        return code, []
    if column.value == INTRODUCER_NAME:
        text = text_of(value)
        found = ctx.introducer_ids(text)
        if len(found) == 1:
            return found[0], []
        if found:
            return None, [where.problem(column.field, "introducer.ambiguous",
                                        f"引荐人名录中有 {len(found)} 个“{text}”，"
                                        f"请填写其统一社会信用代码以区分")]
        return None, [where.problem(column.field, "introducer.unknown",
                                    f"引荐人名录中没有“{text}”；请先登记该引荐人"
                                    f"（可先导入引荐人台账），或核对名称、信用代码")]
    if column.value in ("money", "date") and formula_like(value):
        what = "数字" if column.value == "money" else "日期"
        return None, [where.problem(column.field, "cell.formula",
                                    f"单元格“{value}”是公式，导入按文本读取、不计算公式；请填写{what}")]
    if column.value == "date" and isinstance(value, dt.datetime):
        return value.date().isoformat(), []
    if column.value == LIST:
        return list_items(text_of(value)), []
    if column.value == "attribute":
        if isinstance(value, Decimal):
            return (int(value) if value == value.to_integral() else str(value)), []
        return (value.isoformat() if isinstance(value, dt.date) else value), []
    return text_of(value), []


def body_of(ctx: Context, sheet: Sheet, row: int, cells: Cells,
            where: Located) -> tuple[dict[str, Any], list[ImportProblem]]:
    """The row's request body (dotted fields nested) and the problems of its cells."""
    body: dict[str, Any] = {}
    problems: list[ImportProblem] = []
    for column in sheet.columns:
        value = cells.get(column.heading)
        if value is None:
            continue
        converted, found = _cell(ctx, column, value, where)
        problems += found
        if found:
            continue
        target = body
        *parents, leaf = column.field.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = converted
    return body, problems


def loaded(schema: type[Schema], body: dict[str, Any], ctx: Context, where: Located,
           refused: frozenset[str] | set[str] = frozenset()
           ) -> tuple[dict[str, Any], list[ImportProblem]]:
    """``body`` loaded by the API's schema, with the office-only fields refused as the API
    refuses them (``core.permissions.office_only_problems``)."""
    problems = where.of(office_only_problems(schema, body, ctx.actor))
    try:
        return ctx.schema(schema).load(body), problems
    except ValidationError as exc:
        # A cell already refused (an unknown name, a formula) is left out of the body: its
        # "required" from the schema would say the same twice.
        return {}, problems + [problem for problem in where.of(field_problems(exc.messages))
                               if problem.field not in refused]


def enterprise_conflict(ctx: Context, data: dict[str, Any], where: Located,
                        prefix: str = "enterprise.") -> list[ImportProblem]:
    """The duplicates check: a credit code already held by an enterprise of another name."""
    code, name = data.get("credit_code"), data.get("name")
    if not code or not name:
        return []
    normalised = normalise_enterprise_name(name)
    held = ctx.known_credit_codes().get(code)
    if held is None:
        ctx.row_enterprise = (code, name, normalised)
    if held is None or held[1] == normalised:
        return []
    return [where.problem(f"{prefix}name", "enterprise.duplicate",
                          f"统一社会信用代码 {code} 已登记为“{held[0]}”，与本行企业名称“{name}”"
                          f"不一致：同一企业请用同一名称，不同企业请核对信用代码")]


def required_ledger_no(cells: Cells, sheet: Sheet, row: int) -> str:
    column = sheet.column_for(LEDGER_NO)
    assert column is not None
    value = cells.get(column.heading)
    if value is None:
        raise RowFailed([ImportProblem(sheet.title, row, column.heading, LEDGER_NO, "required",
                                       "此项为必填项")])
    return text_of(value)


# -- the kinds -----------------------------------------------------------------------------


def import_lead(ctx: Context, sheet: Sheet, row: int, cells: Cells) -> int:
    from core.schemas.leads import LeadCreate
    from core.services.leads import report_lead

    where = Located(sheet, row)
    body, problems = body_of(ctx, sheet, row, cells, where)
    body.pop(LEDGER_NO, None)
    data, found = loaded(LeadCreate, body, ctx, where, {p.field for p in problems})
    problems += found
    if data:
        problems += enterprise_conflict(ctx, data["enterprise"], where)
    if problems:
        raise RowFailed(problems)
    where.default = "报送单位"
    return attempt(where, report_lead, ctx.session, ctx.city, data, ctx.actor).id


def enterprise_key(cells: Cells, sheet: Sheet) -> str | None:
    code = cells.get("统一社会信用代码")
    if code is not None:
        return text_of(code).upper()
    name = cells.get("企业名称")
    return f"name:{normalise_enterprise_name(text_of(name))}" if name is not None else None


def import_enterprise(ctx: Context, sheet: Sheet, row: int, cells: Cells) -> int:
    from core.schemas.organisation import EnterpriseInput
    from core.services.enterprises import find_enterprise, upsert_enterprise

    where = Located(sheet, row)
    body, problems = body_of(ctx, sheet, row, cells, where)
    data, found = loaded(EnterpriseInput, body, ctx, where, {p.field for p in problems})
    problems += found
    if data:
        problems += enterprise_conflict(ctx, data, where, prefix="")
        name_key = f"name:{normalise_enterprise_name(data['name'])}"
        for key in filter(None, (data.get("credit_code"), name_key)):
            if key in ctx.seen_enterprises:
                problems.append(where.problem(
                    "name", "enterprise.duplicate",
                    f"与第 {ctx.seen_enterprises[key]} 行为同一企业（信用代码或规范化名称相同），"
                    f"请合并为一行"))
                break
            ctx.seen_enterprises[key] = row
    if problems:
        raise RowFailed(problems)
    known = find_enterprise(ctx.session, data.get("credit_code"), data["name"])
    if known is not None and known.credit_code and data.get("credit_code") is None:
        return known.id  # the name of an enterprise already known by its code
    return attempt(where, upsert_enterprise, ctx.session, data, ctx.city, ctx.actor).id


def import_introducer(ctx: Context, sheet: Sheet, row: int, cells: Cells) -> int:
    from core.schemas.introducers import IntermediaryInput
    from core.services.introducers import register

    where = Located(sheet, row)
    body, problems = body_of(ctx, sheet, row, cells, where)
    body.pop(LEDGER_NO, None)
    data, found = loaded(IntermediaryInput, body, ctx, where, {p.field for p in problems})
    problems += found
    if problems:
        raise RowFailed(problems)
    return attempt(where, register, ctx.session, ctx.city, data, ctx.actor).id


def stage_steps(target: Stage, dates: dict[str, dt.date]) -> list[Stage]:
    """The moves from 储备 to ``target``: the main line, and for 终止/清退 the main line as
    far as the ledger dates it (清退 at least from 签约)."""
    if target in MAIN_LINE:
        return list(MAIN_LINE[1:MAIN_LINE.index(target) + 1])
    reached = [stage for stage in MAIN_LINE[1:4] if stage.value in dates]
    last = reached[-1] if reached else Stage.RESERVE
    if target == Stage.CLEARED and MAIN_LINE.index(last) < MAIN_LINE.index(Stage.SIGNED):
        last = Stage.SIGNED
    return [*MAIN_LINE[1:MAIN_LINE.index(last) + 1], target]


def _dates(body: dict[str, Any], where: Located) -> tuple[dict[str, dt.date], list]:
    dates, problems = {}, []
    for stage, text in (body.pop("stage_dates", None) or {}).items():
        column = STAGE_DATE_COLUMNS[Stage(stage)]
        try:
            dates[stage] = dt.date.fromisoformat(text)
        except ValueError:
            problems.append(where.problem(column.field, "invalid", "日期格式不正确（如 2024-03-01）"))
    return dates, problems


def import_project(ctx: Context, sheet: Sheet, row: int, cells: Cells,
                   children: dict[str, tuple[Sheet, ChildRows]]) -> int:
    from core.schemas.projects import FundCreate, MilestoneInput, ProjectCreate
    from core.services.history import record_change

    where = Located(sheet, row, default="当前阶段")
    body, problems = body_of(ctx, sheet, row, cells, where)
    key = body.pop(LEDGER_NO)
    target = Stage(body.pop("stage")) if body.get("stage") else None
    if target is None and not any(p.field == "stage" for p in problems):
        problems.append(where.problem("stage", "required", "此项为必填项"))
    dates, found = _dates(body, where)
    problems += found
    data, found = loaded(ProjectCreate, body, ctx, where, {p.field for p in problems})
    problems += found
    if data:
        problems += enterprise_conflict(ctx, data["enterprise"], where)
    steps: list[tuple[Stage, dt.date]] = []
    # Dates in the future, found before any move is attempted: a move a gate refuses is never
    # dated, and its date's problem would be missing from the list (reported with the row's
    # other problems, the moves still attempted so their refusals are listed too).
    early: list[ImportProblem] = []
    if target is not None:
        planned = stage_steps(target, dates)
        for index, stage in enumerate(planned):
            on, source = dates.get(stage.value), stage
            if on is None and stage == Stage.NEGOTIATING and index + 1 < len(planned):
                on, source = dates.get(planned[index + 1].value), planned[index + 1]
            if on is None:
                column = STAGE_DATE_COLUMNS[stage]
                problems.append(where.problem(column.field, "import.stage_date_required",
                                              f"项目已进入“{stage.label}”，须填写{column.heading}"))
            else:
                steps.append((stage, on))
                future = not_in_future(ctx.city, STAGE_DATE_COLUMNS[source].field, on,
                                       f"“{stage.label}”日期")
                if future is not None and source == stage:
                    early += where.of([future])
    parts: dict[str, list[tuple[Located, dict[str, Any]]]] = {}
    for name, schema in (("funds", FundCreate), ("milestones", MilestoneInput)):
        child_sheet, child_rows = children.get(name, (None, []))
        for child_row, child_cells in child_rows:
            assert child_sheet is not None
            located = Located(child_sheet, child_row)
            child_body, found = body_of(ctx, child_sheet, child_row, child_cells, located)
            child_body.pop(LEDGER_NO, None)
            child_data, more = loaded(schema, child_body, ctx, located,
                                      {p.field for p in found})
            problems += found + more
            parts.setdefault(name, []).append((located, child_data))
    records, found, future = city_records(ctx, children)
    problems += found
    early += future
    if problems:
        raise RowFailed(problems + early)
    try:
        project = _write_project(ctx, where, data, steps, parts, records)
    except RowFailed as failed:
        # The service's own refusal of the same date (a move not refused by a gate) is kept.
        said = {(p.sheet, p.row, p.column, p.code) for p in failed.problems}
        failed.problems[:0] = [p for p in early if (p.sheet, p.row, p.column, p.code) not in said]
        raise
    if early:
        # Refused although every service accepted the row (a date no service checks): the
        # row wrote, so it is refused as a service's refusal is (``RowFailed.__cause__``).
        raise RowFailed(early) from Problem(422, "date.in_future", "不能填写将来的日期")
    record_change(ctx.session, project, ctx.actor.user, "imported",
                  {"file": [None, ctx.file_name], "row": [None, row], "ledger_no": [None, key]})
    return project.id


def city_records(ctx: Context, children: dict[str, tuple[Sheet, ChildRows]]
                 ) -> tuple[list[tuple[dt.date, Located, RecordSheet, dict[str, Any]]],
                            list[ImportProblem], list[ImportProblem]]:
    """The rows of the city's own record sheets (``ledger_record_sheets``) of one project,
    loaded by their operations' schemas: the records, their problems, their future dates."""
    records, problems, future = [], [], []
    for child_sheet, child_rows in children.values():
        if not isinstance(child_sheet, RecordSheet):
            continue
        for child_row, child_cells in child_rows:
            located = Located(child_sheet, child_row)
            body, found = body_of(ctx, child_sheet, child_row, child_cells, located)
            body.pop(LEDGER_NO, None)
            data, more = loaded(child_sheet.schema, body, ctx, located, {p.field for p in found})
            problems += found + more
            dated = data.get(child_sheet.dated_by)
            if dated is None:
                if not data:
                    continue
                problems.append(located.problem(child_sheet.dated_by, "required", "此项为必填项"))
                continue
            column = child_sheet.column_for(child_sheet.dated_by)
            late = not_in_future(ctx.city, child_sheet.dated_by, dated,
                                 column.heading if column else child_sheet.dated_by)
            future += located.of([late]) if late else []
            records.append((dated, located, child_sheet, data))
    return records, problems, future


def _refused_records(ctx: Context, project: Any,
                     records: list[tuple[dt.date, Located, RecordSheet, dict[str, Any]]]) -> None:
    """Each record's operation's permission for the importing actor, the row standing for its
    request (path arguments and body), as the API checks it before the view: every row refused
    is listed (a permission does not depend on the order the records are written in)."""
    from core.permissions import AccessRequest, authorise

    problems, first = [], None
    for _on, located, sheet, data in records:
        if sheet.permission is None:
            continue
        request = AccessRequest(ctx.session, ctx.city, {"project_id": project.id, **data}, data, {})
        try:
            authorise(sheet.permission, ctx.actor, "POST", lambda request=request: request,
                      lambda: ctx.choices["unit"].names)
        except Problem as exc:
            problems += located.of_exception(exc)
            first = first or exc
    if problems:
        raise RowFailed(problems) from first


def _write_project(ctx: Context, where: Located, data: dict[str, Any],
                   steps: list[tuple[Stage, dt.date]],
                   parts: dict[str, list[tuple[Located, dict[str, Any]]]],
                   records: list[tuple[dt.date, Located, RecordSheet, dict[str, Any]]]) -> Any:
    """The project, its milestones, its city's records and its stage moves in date order, then
    its funds; a refusal of any is the row's (:class:`RowFailed`)."""
    from core.services import projects as service

    sheet, row = where.sheet, where.row
    where.default = "招商单位"
    project = attempt(where, service.create_project, ctx.session, ctx.city, data, ctx.actor)
    where.default = "当前阶段"
    milestones = parts.get("milestones", [])
    for located, milestone in milestones:
        attempt(located, service.set_milestone, ctx.session, ctx.city, project,
                {"kind": milestone["kind"], "planned_on": milestone["planned_on"]}, ctx.actor)
    # Stage moves in their order; each actual milestone date, and each record of the city's
    # own sheets, before the first move dated on or after it (a completion's actual date is
    # what lets the project enter 竣工投产 that day; a legal review, 签约).
    writes: list[tuple[dt.date, Any]] = [
        (milestone["actual_on"],
         lambda located=located, milestone=milestone: attempt(
             located, service.set_milestone, ctx.session, ctx.city, project, milestone,
             ctx.actor))
        for located, milestone in milestones if milestone.get("actual_on")]
    _refused_records(ctx, project, records)
    writes += [(on, lambda located=located, record_sheet=record_sheet, record=record: attempt(
        located, record_sheet.record, ctx.session, ctx.city, project, record, ctx.actor))
        for on, located, record_sheet, record in records]
    writes.sort(key=lambda entry: entry[0])
    for stage, on in [*steps, (None, None)]:
        while writes and (on is None or writes[0][0] <= on):
            writes.pop(0)[1]()
        if stage is not None:
            mover = Located(sheet, row, {"occurred_on": STAGE_DATE_COLUMNS[stage].heading},
                            "当前阶段")
            attempt(mover, service.transition, ctx.session, ctx.city, project,
                    {"target": stage.value, "occurred_on": on}, ctx.actor)
    for located, fund in parts.get("funds", []):
        attempt(located, service.add_funds, ctx.session, ctx.city, project, fund, ctx.actor)
    return project


def _same(cell: Any, value: Any) -> bool:
    if isinstance(value, Decimal) or isinstance(cell, Decimal):
        try:
            return Decimal(text_of(cell)) == Decimal(text_of(value))
        except ArithmeticError:
            return False
    return text_of(cell) == text_of(value)


def exported_project_unchanged(ctx: Context, sheet: Sheet, row: int, cells: Cells) -> None:
    """A row of the project list's export, read back: it names its record by 编号, which the
    import never writes — the row is ``unchanged`` when it agrees with the record, and refused
    (``import.changed``, column by column) when it does not."""
    from core.ledger_import.layout import RECORD_NO
    from core.models import Project

    where = Located(sheet, row)
    number = cells[RECORD_NO]
    project = ctx.session.get(Project, int(number)) if text_of(number).isdigit() else None
    if project is None:
        raise RowFailed([ImportProblem(sheet.title, row, RECORD_NO, "id", "import.unknown_record",
                                       f"编号 {text_of(number)} 的项目不存在")])
    units = ctx.choices["unit"].names
    held = {"name": project.name, "amount": project.amount,
            "stage": ctx.choices["stage"].names.get(project.stage, project.stage),
            "finding_unit": units.get(project.finding_unit.code),
            "host_unit": units.get(project.host_unit.code),
            "stage_dates.signed": project.signed_on, "stage_dates.started": project.started_on,
            "stage_dates.completed": project.completed_on, "stage_dates.lost": project.lost_on}
    problems = []
    for name, value in held.items():
        column = sheet.column_for(name)
        cell = cells.get(column.heading) if column else None
        if column is None or (cell is None and value is None) or (
                cell is not None and value is not None and _same(cell, value)):
            continue
        problems.append(where.problem(name, "import.changed",
                                      f"编号 {project.id} 的项目在系统中{column.heading}为"
                                      f"“{text_of(value) if value is not None else '空'}”，本行为"
                                      f"“{text_of(cell) if cell is not None else '空'}”；导入不覆盖"
                                      f"系统中的记录，请在该记录页面修改"))
    if problems:
        raise RowFailed(problems)
